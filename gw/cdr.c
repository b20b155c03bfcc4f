/* Call detail records (CSV). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <osmocom/core/logging.h>

#include "gw/debug.h"
#include "gw/cdr.h"
#include "gw/call.h"
#include "gw/iwf.h"

const char *gw_cdr_header =
	"call_id,direction,setup,alerting,answer,release,duration_s,dpc,cic,group,trunk,sip_call_id,"
	"called,calling,presentation,release_cause,release_side,sip_status";

static void ts(char *buf, size_t size, time_t t)
{
	struct tm tm;
	if (!t) {
		buf[0] = 0;
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
	char b[7][64];
	long dur = call->t_answer ? (long)((call->t_release ? call->t_release : time(NULL)) - call->t_answer) : 0;
	FILE *f;
	long before;

	if (!cdr->path)
		return;
	if (cdr->max_bytes && cdr->written > cdr->max_bytes)
		cdr_rotate(cdr);
	if (cdr_open(cdr) < 0)
		return;
	f = cdr->f;
	before = ftell(f);
	snprintf(b[0], sizeof(b[0]), "%u", call->id);
	field(f, b[0], 0);
	field(f, call->dir == GW_CALL_INGRESS ? "isup-to-sip" : "sip-to-isup", 0);
	ts(b[1], sizeof(b[1]), call->t_setup); field(f, b[1], 0);
	ts(b[2], sizeof(b[2]), call->t_alert); field(f, b[2], 0);
	ts(b[3], sizeof(b[3]), call->t_answer); field(f, b[3], 0);
	ts(b[4], sizeof(b[4]), call->t_release ? call->t_release : time(NULL)); field(f, b[4], 0);
	snprintf(b[5], sizeof(b[5]), "%ld", dur); field(f, b[5], 0);
	snprintf(b[6], sizeof(b[6]), "%u", call->dpc); field(f, b[6], 0);
	snprintf(b[0], sizeof(b[0]), "%u", call->cic); field(f, b[0], 0);
	field(f, call->group, 0);
	field(f, call->trunk, 0);
	field(f, call->call_id, 0);
	field(f, call->sip_id.ruri_user, 0);
	field(f, call->sip_id.pai_user, 0);
	field(f, call->sip_id.privacy_id ? "restricted" : "allowed", 0);
	snprintf(b[0], sizeof(b[0]), "%u", call->rel_cause); field(f, b[0], 0);
	field(f, call->rel_side ? call->rel_side : "", 0);
	snprintf(b[0], sizeof(b[0]), "%d", call->sip_status); field(f, b[0], 1);
	fflush(f);
	cdr->written += ftell(f) - before;
}

void gw_cdr_close(struct gw_cdr *cdr)
{
	if (cdr->f)
		fclose(cdr->f);
	cdr->f = NULL;
}
