/* What makes two deliveries "the same mail" (doc/ARCHITECTURE.md, crash-safety rule
 * 7): everything but the transport headers that each hop adds. */
#ifndef GU_PIPELINE_DEDUPE_H
#define GU_PIPELINE_DEDUPE_H

#include <glib.h>

/* Writes into out (65 bytes) the SHA-256 of raw with its transport
 * headers (Received, Return-Path, Delivered-To, DKIM and ARC signatures,
 * spam scores, mbox status…) left out and line ends normalised to LF.
 * Two copies of one message delivered by different routes, or once over
 * IMAP (CRLF) and once from a file (LF), get the same key. */
void gu_dedupe_content_key (const char *raw, gsize len, char out[65]);

#endif
