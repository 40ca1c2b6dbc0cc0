# Tools that write real documents and mails for the tests, and their test.
TESTS += tests/tools/test-tools.sh
EXTRA_DIST += tests/tools/mkdoc.py tests/tools/mkmail.py tests/tools/test-tools.sh
EXTRA_DIST += tests/tools/mktnef.py tests/tools/mime-attachments.py
EXTRA_DIST += tests/tools/mkprotected.py tests/tools/mkphoto.py
