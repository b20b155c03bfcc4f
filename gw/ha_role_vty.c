/* 'role-file PATH' and 'notify-script PATH' in the 'ha' node (gw/ha_role.h). A value that cannot
 * work is refused where it is read (the config reader names FILE:LINE and the daemon exits 1):
 * not an absolute path, too long, a role file whose directory is not writable, a notify script
 * that is not an executable regular file. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw/ha_role.h"


static int path_arg(struct vty *vty, const char *what, const char *arg)
{
	size_t i, len = strlen(arg);

	if (arg[0] != '/') {
		vty_out(vty, "%% ha %s %s: an absolute path, please%s", what, arg, VTY_NEWLINE);
		return -1;
	}
	/* room for ".tmp" after the role file's name */
	if (len > HA_ROLE_PATH_MAX - 4) {
		vty_out(vty, "%% ha %s: at most %d characters%s", what, HA_ROLE_PATH_MAX - 4, VTY_NEWLINE);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (arg[i] <= ' ' || arg[i] > '~') {
			vty_out(vty, "%% ha %s: printable characters only%s", what, VTY_NEWLINE);
			return -1;
		}
	}
	return 0;
}

DEFUN(cfg_ha_role_file, cfg_ha_role_file_cmd, "role-file PATH",
      "File holding this node's role (active/standby/down), written atomically on each change:\n"
      "what a keepalived track script reads\n" "Absolute path (its directory must be writable)\n")
{
	char dir[HA_ROLE_PATH_MAX + 1], *slash;

	if (path_arg(vty, "role-file", argv[0]) < 0)
		return CMD_WARNING;
	snprintf(dir, sizeof(dir), "%s", argv[0]);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) < 0) {
		vty_out(vty, "%% ha role-file %s: directory %s: %s%s", argv[0], dir, strerror(errno), VTY_NEWLINE);
		return CMD_WARNING;
	}
	gw_ha_role_set_file(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_ha_notify, cfg_ha_notify_cmd, "notify-script PATH",
      "Program run as 'PATH active|standby|down' on each role change (keepalived's notify\n"
      "convention), asynchronously, killed after gw X40: moves the service address\n"
      "Absolute path of an executable file\n")
{
	struct stat sb;

	if (path_arg(vty, "notify-script", argv[0]) < 0)
		return CMD_WARNING;
	if (stat(argv[0], &sb) < 0 || !S_ISREG(sb.st_mode) || access(argv[0], X_OK) < 0) {
		vty_out(vty, "%% ha notify-script %s: not an executable file%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	gw_ha_role_set_notify(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_ha_no_role_file, cfg_ha_no_role_file_cmd, "no role-file", NO_STR "No role file (default)\n")
{
	gw_ha_role_set_file("");
	return CMD_SUCCESS;
}

DEFUN(cfg_ha_no_notify, cfg_ha_no_notify_cmd, "no notify-script", NO_STR "No notify script (default)\n")
{
	gw_ha_role_set_notify("");
	return CMD_SUCCESS;
}

void gw_ha_role_vty_write(struct vty *vty)
{
	if (gw_ha_role_file()[0])
		vty_out(vty, " role-file %s%s", gw_ha_role_file(), VTY_NEWLINE);
	if (gw_ha_notify_script()[0])
		vty_out(vty, " notify-script %s%s", gw_ha_notify_script(), VTY_NEWLINE);
}

void gw_ha_role_vty_init(int ha_node)
{
	install_element(ha_node, &cfg_ha_role_file_cmd);
	install_element(ha_node, &cfg_ha_no_role_file_cmd);
	install_element(ha_node, &cfg_ha_notify_cmd);
	install_element(ha_node, &cfg_ha_no_notify_cmd);
}
