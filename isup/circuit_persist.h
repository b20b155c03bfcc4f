/* Persistent blocking: the locally maintenance-blocked circuits (operator block over the VTY or
 * CTRL, a CGB sent) are kept in a state file ('blocking-state-file PATH' in the isup node),
 * written atomically (a temporary file in the same directory, fsync, rename, fsync of the
 * directory) one select round after each change. At start-up the file is read; once a group's
 * start-up reset (GRS, Q.764 2.9.3.1) is answered, its stored circuits are blocked again (Q.764
 * 2.8.2: BLO for a circuit alone in its 32-CIC window, else one maintenance CGB per window, the
 * next after the CGBA of the one before), so that the far exchange sees them blocked again.
 *
 * Format (text): '#' comments, 'version 1', then 'group NAME CICS...' with CICS as N or N-M. */
#pragma once
#include <stdbool.h>

struct isup_node;
struct isup_cgroup;
struct isup_circuit;

/* read the file (a missing file: nothing stored); -1 with FILE:LINE logged on a syntax error */
int circuit_persist_load(struct isup_node *node);
/* a circuit's local maintenance blocking changed (an unblock also ends a stored blocking not
 * applied yet): the file is written in the next round */
void circuit_persist_changed(struct isup_circuit *cct);
/* the group's reset or a CGB of it is over: block the next stored circuits */
void circuit_persist_reapply(struct isup_cgroup *cg);
/* write now if a write is pending; stop the timer */
void circuit_persist_stop(struct isup_node *node);
