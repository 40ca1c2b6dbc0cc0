# Documents as applicants really send them (issue 13), the filters' side:
# OCR of scans and photos, protected PDFs and Office files, LibreOffice
# and old Excel classified by content, end to end through the binary.
TESTS += tests/integration/test-documents.sh
EXTRA_DIST += tests/integration/test-documents.sh
