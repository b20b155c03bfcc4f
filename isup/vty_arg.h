/* Checked numeric arguments of VTY commands.  On a bad value the helpers print a "% ..." reply
 * naming the argument and its range, and return -1: the command then returns CMD_WARNING, which
 * is a '%' error on the telnet VTY and FILE:LINE + exit 1 while the config file is read. */
#pragma once

struct vty;

/* Without a VTY (command-line options, isup-peer scenario lines): 0, or -1 for a value that is
 * not a number in MIN..MAX.  arg_ulong: decimal digits only; arg_double: decimal, finite. */
int arg_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *val);
int arg_double(const char *s, double min, double max, double *val);

/* A decimal integer in MIN..MAX (no sign, no trailing characters). */
int vty_arg_ulong(struct vty *vty, const char *what, const char *s, unsigned long min, unsigned long max,
		  unsigned long *val);
/* A number of seconds (decimals allowed) in MIN_S..MAX_S, finite, returned in milliseconds
 * (rounded); a value that rounds to 0 ms is refused. */
int vty_arg_seconds_ms(struct vty *vty, const char *what, const char *s, double min_s, double max_s,
		       unsigned long *ms);
/* MS as the seconds the config writer prints ("20", "20.5", "0.001"): read back exactly. */
const char *vty_arg_ms_str(char *buf, unsigned int len, unsigned long ms);
