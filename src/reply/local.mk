# src/reply: the replies (GMime for composing; their text in templates/).
noinst_LIBRARIES += src/reply/libgu_reply.a
GU_STAGE_LIBS += src/reply/libgu_reply.a
src_reply_libgu_reply_a_SOURCES = \
	src/reply/reply.h src/reply/reply-private.h \
	src/reply/compose.c \
	src/reply/digest.c src/reply/digest.h \
	src/reply/format.c \
	src/reply/reply-data.c \
	src/reply/template.c src/reply/template.h \
	src/reply/wrap.c
src_reply_libgu_reply_a_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS)

# The replies' text, one file per kind and language; _NAME.txt are the
# parts they share ({{>NAME}}). templates/README lists the fields.
templatesfrdir = $(pkgdatadir)/templates/fr
dist_templatesfr_DATA = \
	templates/fr/ack-new.txt \
	templates/fr/ack-update.txt \
	templates/fr/complete.txt \
	templates/fr/late.txt \
	templates/fr/early.txt \
	templates/fr/how-to-apply.txt \
	templates/fr/unreadable.txt \
	templates/fr/digest.txt \
	templates/fr/digest.html \
	templates/fr/staff-receipt.txt \
	templates/fr/staff-unmatched.txt \
	templates/fr/applicant-notice.txt \
	templates/fr/other-sender-receipt.txt \
	templates/fr/reminder.txt \
	templates/fr/_document.txt \
	templates/fr/_documents.txt \
	templates/fr/_missing.txt \
	templates/fr/_footer.txt \
	templates/fr/_decision.txt \
	templates/fr/_staff_documents.txt
templatesendir = $(pkgdatadir)/templates/en
dist_templatesen_DATA = \
	templates/en/ack-new.txt \
	templates/en/ack-update.txt \
	templates/en/complete.txt \
	templates/en/late.txt \
	templates/en/early.txt \
	templates/en/how-to-apply.txt \
	templates/en/unreadable.txt \
	templates/en/digest.txt \
	templates/en/digest.html \
	templates/en/staff-receipt.txt \
	templates/en/staff-unmatched.txt \
	templates/en/applicant-notice.txt \
	templates/en/other-sender-receipt.txt \
	templates/en/reminder.txt \
	templates/en/_document.txt \
	templates/en/_documents.txt \
	templates/en/_missing.txt \
	templates/en/_footer.txt \
	templates/en/_decision.txt \
	templates/en/_staff_documents.txt
EXTRA_DIST += templates/README
