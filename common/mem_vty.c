/* The process's heap as glibc's malloc sees it: 'show malloc-stats' (mallinfo2, malloc_info) and
 * 'malloc-trim' (give free heap pages back to the kernel). For the memory benchmark
 * (bench/bench.py bench_concurrency) and for operators: talloc reports show only talloc blocks,
 * libosip2's messages and libraries' own allocations are plain malloc. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "common/app.h"

DEFUN(show_malloc_stats, show_malloc_stats_cmd, "show malloc-stats [xml]",
      SHOW_STR "glibc malloc statistics of this process (mallinfo2)\n"
      "Also the per-arena XML report of malloc_info(3)\n")
{
	struct mallinfo2 mi = mallinfo2();
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	/* arena: bytes of the main heap (sbrk); hblkhd: bytes in mmap'ed blocks; uordblks: in use;
	 * fordblks: free inside the heap; keepcost: releasable at the top */
	vty_out(vty, "malloc arena %zu mmap %zu mmap-blocks %zu in-use %zu free %zu free-chunks %zu "
		"fastbin-free %zu top-releasable %zu%s", mi.arena, mi.hblkhd, mi.hblks, mi.uordblks,
		mi.fordblks, mi.ordblks, mi.fsmblks, mi.keepcost, VTY_NEWLINE);
	if (argc < 1)
		return CMD_SUCCESS;
	f = open_memstream(&buf, &len);
	if (!f)
		return CMD_WARNING;
	malloc_info(0, f);
	fclose(f);
	vty_out(vty, "%s%s", buf ? buf : "", VTY_NEWLINE);
	free(buf);
	return CMD_SUCCESS;
}

DEFUN(malloc_trim_cmd, malloc_trim_cmd_cmd, "malloc-trim",
      "Give free heap memory back to the kernel (malloc_trim(3)); prints whether any went\n")
{
	vty_out(vty, "malloc-trim %s%s", malloc_trim(0) ? "released" : "nothing", VTY_NEWLINE);
	return CMD_SUCCESS;
}

void app_mem_vty_init(void)
{
	install_element_ve(&show_malloc_stats_cmd);
	install_element(ENABLE_NODE, &malloc_trim_cmd_cmd);
}
