# filters/: text extraction, one executable per document family, all
# installed in $(pkglibexecdir)/filters next to filters.map (see
# src/classify/extract.h for how they are chosen and run).
filtersdir = $(pkglibexecdir)/filters
filters_PROGRAMS = filters/office-text
dist_filters_SCRIPTS = \
	filters/pdf filters/doc filters/xls filters/ppt filters/rtf \
	filters/text filters/html filters/ocr
dist_filters_DATA = filters/filters.map filters/input.sh filters/utf8.sh

filters_office_text_SOURCES = filters/office-text.c
filters_office_text_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS)
filters_office_text_LDADD = $(ARCHIVE_LIBS) $(GLIB_LIBS)
# The filter runs under RLIMIT_AS, which AddressSanitizer's shadow memory
# cannot live with: the installed filter keeps UBSan only. The tests also
# build an ASan copy (tests/filters.mk) and run it without the limit.
filters_office_text_CFLAGS = $(WARN_CFLAGS) $(subst address$(comma),,$(SANITIZER_CFLAGS))
filters_office_text_LDFLAGS = $(subst address$(comma),,$(SANITIZER_LDFLAGS))
comma = ,

# An out-of-tree build gets the scripts and the map next to office-text,
# so that $(builddir)/filters is a complete filters folder for the tests
# and the demo, as $(pkglibexecdir)/filters is once installed.
all-local: filters-stage
filters-stage: $(dist_filters_SCRIPTS) $(dist_filters_DATA)
	$(AM_V_GEN)if test "$(srcdir)" != "."; then \
	  $(MKDIR_P) filters && \
	  for f in $(dist_filters_SCRIPTS) $(dist_filters_DATA); do \
	    cp -p "$(srcdir)/$$f" "$$f" && chmod u+w "$$f"; \
	  done; \
	fi
clean-local: filters-stage-clean
filters-stage-clean:
	if test "$(srcdir)" != "."; then \
	  for f in $(dist_filters_SCRIPTS) $(dist_filters_DATA); do rm -f "$$f"; done; \
	fi
.PHONY: filters-stage filters-stage-clean
