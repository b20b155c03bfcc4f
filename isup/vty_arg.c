/* Checked numeric arguments of VTY commands (see vty_arg.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/vty/vty.h>

#include "isup/vty_arg.h"

int arg_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *val)
{
	char *end;
	unsigned long v;

	/* strtoul() would take a sign and blanks, and wrap "-1" to ULONG_MAX */
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*val = v;
	return 0;
}

int arg_double(const char *s, double min, double max, double *val)
{
	char *end;
	double v;

	/* decimal notation only: strtod() would also take blanks, a sign, hex, "inf" and "nan" */
	if (!s || !strchr("0123456789.", *s) || !*s || strpbrk(s, "xX"))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	/* nan, inf, 3e111 and trailing characters are refused before any conversion to an integer */
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*val = v;
	return 0;
}

int vty_arg_ulong(struct vty *vty, const char *what, const char *s, unsigned long min, unsigned long max,
		  unsigned long *val)
{
	if (arg_ulong(s, min, max, val) == 0)
		return 0;
	vty_out(vty, "%% %s '%s': not a number in %lu-%lu%s", what, s ? s : "", min, max, VTY_NEWLINE);
	return -1;
}
