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
