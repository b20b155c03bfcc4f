/* Call detail records (CSV). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/cdr.h"
#include "gw/call.h"
#include "gw/iwf.h"
#include "media/media.h"

const char *gw_cdr_header =
	"call_id,direction,seize,acm,alerting,answer,release,duration_ms,dpc,cic,group,trunk,sip_call_id,"
	"called,calling,presentation,rtp_from_pstn,rtp_from_sip,rtp_lost_from_pstn,rtp_lost_from_sip,"
	"release_cause,release_side,sip_status";

/* UTC with milliseconds; empty when the event did not happen */
static void ts(char *buf, size_t size, const struct timespec *t)
{
	struct tm tm;
	size_t l;
	if (!t->tv_sec) {
		buf[0] = 0;
		return;
	}
	gmtime_r(&t->tv_sec, &tm);
	l = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + l, size - l, ".%03ldZ", t->tv_nsec / 1000000);
}

static long long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* CSV field: quote when it contains a separator or a quote */
static void field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s == '\n' ? ' ' : *s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static int cdr_open(struct gw_cdr *cdr)
{
	struct stat st;
	if (cdr->f)
		return 0;
	cdr->f = fopen(cdr->path, "a");
	if (!cdr->f) {
		LOGP(DCDR, LOGL_ERROR, "cannot open CDR file %s: %s\n", cdr->path, strerror(errno));
		return -1;
	}
	cdr->written = fstat(fileno(cdr->f), &st) == 0 ? st.st_size : 0;
	if (!cdr->written)
		cdr->written += fprintf(cdr->f, "%s\n", gw_cdr_header);
	return 0;
}

static void cdr_rotate(struct gw_cdr *cdr)
{
	char old[512];
	gw_cdr_close(cdr);
	snprintf(old, sizeof(old), "%s.1", cdr->path);
	if (rename(cdr->path, old) < 0)
		LOGP(DCDR, LOGL_ERROR, "cannot rotate %s: %s\n", cdr->path, strerror(errno));
}

void gw_cdr_write(struct gw_cdr *cdr, const struct gw_call *call)
{
	char b[64];
	struct timespec now, rel;
	struct media_bridge_stats st;
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	if (!cdr->path)
		return;
	f = open_memstream(&line, &len);	/* the line first: its length decides the rotation */
	if (!f)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	rel = call->t_release.tv_sec ? call->t_release : now;
	snprintf(b, sizeof(b), "%u", call->id); field(f, b, 0);
	field(f, gw_call_is_ingress(call) ? "isup-to-sip" : "sip-to-isup", 0);
	ts(b, sizeof(b), &call->t_setup); field(f, b, 0);
	ts(b, sizeof(b), &call->t_acm); field(f, b, 0);
	ts(b, sizeof(b), &call->t_alert); field(f, b, 0);
	ts(b, sizeof(b), &call->t_answer); field(f, b, 0);
	ts(b, sizeof(b), &rel); field(f, b, 0);
	snprintf(b, sizeof(b), "%lld", call->t_answer.tv_sec ? ms_between(&call->t_answer, &rel) : 0LL);
	field(f, b, 0);
	snprintf(b, sizeof(b), "%u", call->dpc); field(f, b, 0);
	snprintf(b, sizeof(b), "%u", call->cic); field(f, b, 0);
	field(f, call->group, 0);
	field(f, call->trunk, 0);
	field(f, call->call_id, 0);
	field(f, call->sip_id.ruri_user, 0);
	field(f, call->sip_id.pai_user, 0);
	field(f, call->sip_id.privacy_id ? "restricted" : "allowed", 0);
	/* media: packets received from each side and sequence gaps seen (empty without a bridge) */
	if (call->mb) {
		media_bridge_get_stats(call->mb, &st);
		for (int k = 0; k < 4; k++) {
			const struct media_leg_stats *l = &st.leg[k % 2 ? MEDIA_LEG_SIP : MEDIA_LEG_PSTN];
			snprintf(b, sizeof(b), "%llu", (unsigned long long)(k < 2 ? l->rx_packets : l->rx_lost));
			field(f, b, 0);
		}
	} else {
		for (int k = 0; k < 4; k++)
			field(f, "", 0);
	}
	snprintf(b, sizeof(b), "%u", call->rel_cause); field(f, b, 0);
	field(f, call->rel_side ? call->rel_side : "", 0);
	snprintf(b, sizeof(b), "%d", call->sip_status); field(f, b, 1);
	fclose(f);

	/* rotation: a file never grows beyond max_bytes (unless one line alone is longer) */
	if (cdr->max_bytes && cdr_open(cdr) == 0 && cdr->written > strlen(gw_cdr_header) + 1 &&
	    cdr->written + len > cdr->max_bytes)
		cdr_rotate(cdr);
	if (cdr_open(cdr) == 0) {
		fwrite(line, 1, len, cdr->f);
		fflush(cdr->f);
		cdr->written += len;
	}
	free(line);
}

void gw_cdr_close(struct gw_cdr *cdr)
{
	if (cdr->f)
		fclose(cdr->f);
	cdr->f = NULL;
}
