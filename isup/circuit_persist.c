/* Persistent blocking (isup/circuit_persist.h): the state file and the re-blocking after the
 * start-up reset. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/timer.h>

#include "isup/isup_log.h"
#include "isup/isup_node.h"
#include "isup/cgroup.h"
#include "isup/circuit_persist.h"

#define PERSIST_VERSION "version 1"

/* ---- reading -------------------------------------------------------------------------------- */

static int mark_range(struct isup_cgroup *cg, unsigned int first, unsigned int last)
{
	for (unsigned int cic = first; cic <= last; cic++) {
		struct isup_circuit *cct = cgroup_cct(cg, cic);
		if (!cct) {
			LOGP(DISUP, LOGL_NOTICE, "blocking state: circuit-group %s has no CIC %u: ignored\n", cg->name, cic);
			continue;
		}
		if (!cct->persist_pending)
			cg->persist_pending++;
		cct->persist_pending = true;
	}
	return 0;
}

/* "N" or "N-M", 0..4095 */
static int parse_cics(const char *tok, unsigned int *first, unsigned int *last)
{
	char *end;
	unsigned long a = strtoul(tok, &end, 10), b = a;

	if (end == tok || !(*end == '-' || *end == '\0'))
		return -1;
	if (*end == '-') {
		const char *t2 = end + 1;
		b = strtoul(t2, &end, 10);
		if (end == t2 || *end)
			return -1;
	}
	if (a > 4095 || b > 4095 || b < a)
		return -1;
	*first = a;
	*last = b;
	return 0;
}

/* one 'group NAME CICS...' line (strtok state in line) */
static int parse_group(struct isup_node *node, char *line, const char **err)
{
	char *name = strtok(line, " \t"), *tok;
	struct isup_cgroup *cg;
	unsigned int first, last;

	if (!name) {
		*err = "group without a name";
		return -1;
	}
	cg = cgroup_find(node, name);
	if (!cg)
		LOGP(DISUP, LOGL_NOTICE, "blocking state: no circuit-group %s: its circuits ignored\n", name);
	while ((tok = strtok(NULL, " \t"))) {
		if (parse_cics(tok, &first, &last) < 0) {
			*err = "a CIC or CIC range (N or N-M, 0..4095) expected";
			return -1;
		}
		if (cg)
			mark_range(cg, first, last);
	}
	return 0;
}

static int parse_line(struct isup_node *node, char *line, bool *versioned, const char **err)
{
	line[strcspn(line, "\r\n#")] = '\0';
	line += strspn(line, " \t");
	if (!*line)
		return 0;
	if (!*versioned) {
		*versioned = !strcmp(line, PERSIST_VERSION);
		*err = "'" PERSIST_VERSION "' expected first";
		return *versioned ? 0 : -1;
	}
	if (!strncmp(line, "group", 5) && (line[5] == ' ' || line[5] == '\t'))
		return parse_group(node, line + 6, err);
	*err = "'group NAME CICS...' expected";
	return -1;
}

int circuit_persist_load(struct isup_node *node)
{
	char line[4096];
	const char *err = NULL;
	bool versioned = false;
	unsigned int n = 0;
	FILE *f;

	if (!node->block_file)
		return 0;
	f = fopen(node->block_file, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;	/* nothing stored yet */
		LOGP(DISUP, LOGL_ERROR, "%s: cannot read the blocking state: %s\n", node->block_file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (parse_line(node, line, &versioned, &err) < 0) {
			LOGP(DISUP, LOGL_ERROR, "%s:%u: blocking state: %s\n", node->block_file, n, err);
			fprintf(stderr, "%s:%u: blocking state: %s\n", node->block_file, n, err);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* ---- writing -------------------------------------------------------------------------------- */

/* the blocked circuits of a group as 'N' / 'N-M' tokens */
static void write_group(FILE *f, const struct isup_cgroup *cg)
{
	bool any = false;

	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		const struct isup_circuit *c = cg->ccts[i];
		unsigned int j = i;
		if (!c->lbl_maint && !c->persist_pending)
			continue;
		while (j + 1 < cg->num_ccts && (cg->ccts[j + 1]->lbl_maint || cg->ccts[j + 1]->persist_pending) &&
		       cg->ccts[j + 1]->cic == cg->ccts[j]->cic + 1)
			j++;
		if (!any)
			fprintf(f, "group %s", cg->name);
		any = true;
		if (j == i)
			fprintf(f, " %u", c->cic);
		else
			fprintf(f, " %u-%u", c->cic, cg->ccts[j]->cic);
		i = j;
	}
	if (any)
		fputc('\n', f);
}

static int fsync_dir(const char *path)
{
	char *copy = talloc_strdup(NULL, path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY), rc = -1;

	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	talloc_free(copy);
	return rc;
}

static int persist_write(struct isup_node *node)
{
	char *tmp = talloc_asprintf(node, "%s.tmp", node->block_file);
	struct isup_cgroup *cg;
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (f) {
		fprintf(f, "# sipt-gw blocking state: locally maintenance-blocked circuits (README)\n%s\n",
			PERSIST_VERSION);
		llist_for_each_entry(cg, &node->cgroups, list)
			write_group(f, cg);
		rc = (fflush(f) == 0 && fsync(fileno(f)) == 0) ? 0 : -1;
		rc |= fclose(f);
		if (rc == 0)
			rc = rename(tmp, node->block_file);
		if (rc == 0)
			fsync_dir(node->block_file);
	}
	if (rc)
		LOGP(DISUP, LOGL_ERROR, "%s: blocking state not written: %s\n", node->block_file, strerror(errno));
	talloc_free(tmp);
	return rc;
}

static void persist_timer_cb(void *data)
{
	persist_write(data);
}

void circuit_persist_changed(struct isup_circuit *cct)
{
	struct isup_node *node = cct->cg->node;

	if (!node->block_file)
		return;
	if (!cct->lbl_maint && cct->persist_pending) {
		cct->persist_pending = false;
		cct->cg->persist_pending--;
	}
	if (!node->persist_timer.cb)
		osmo_timer_setup(&node->persist_timer, persist_timer_cb, node);
	if (!osmo_timer_pending(&node->persist_timer))
		osmo_timer_schedule(&node->persist_timer, 0, 0);
}

void circuit_persist_stop(struct isup_node *node)
{
	if (node->persist_timer.cb && osmo_timer_pending(&node->persist_timer)) {
		osmo_timer_del(&node->persist_timer);
		persist_write(node);
	}
}

/* ---- blocking again ------------------------------------------------------------------------- */

/* the first stored circuit and its 32-CIC window (Q.763 3.43: range 0-31): how many in it */
static unsigned int next_window(struct isup_cgroup *cg, uint16_t *first, uint8_t *range, uint32_t *mask)
{
	unsigned int n = 0;

	*mask = 0;
	for (unsigned int i = 0; i < cg->num_ccts; i++) {
		struct isup_circuit *c = cg->ccts[i];
		if (!c->persist_pending)
			continue;
		if (!n)
			*first = c->cic;
		if (c->cic - *first > 31)
			break;
		*mask |= 1u << (c->cic - *first);
		*range = c->cic - *first;
		n++;
	}
	return n;
}

static void clear_window(struct isup_cgroup *cg, uint16_t first, uint32_t mask)
{
	for (unsigned int b = 0; b < 32; b++) {
		struct isup_circuit *c = (mask & (1u << b)) ? cgroup_cct(cg, first + b) : NULL;
		if (c && c->persist_pending) {
			c->persist_pending = false;
			cg->persist_pending--;
		}
	}
}

void circuit_persist_reapply(struct isup_cgroup *cg)
{
	uint16_t first = 0;
	uint8_t range = 0;
	uint32_t mask;
	unsigned int n;

	/* one CGB at a time: the next one after the CGBA (cgroup_sup.c) */
	while (cg->persist_pending && cg->cgb_fi->state == CGSUP_ST_IDLE && (n = next_window(cg, &first, &range, &mask))) {
		clear_window(cg, first, mask);
		if (n == 1) {
			LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: CIC %u stored blocked: BLO\n", cg->name, first);
			circuit_block(cgroup_cct(cg, first), true);
			continue;
		}
		LOGP(DISUP, LOGL_NOTICE, "circuit-group %s: %u circuits from CIC %u stored blocked: CGB\n", cg->name, n,
		     first);
		cgroup_send_cgb_mask(cg, true, first, range, mask, false);
	}
}
