/* Logging of the media/tones test programs: the libraries get their categories from the program
 * (media_set_log_cat, tones_set_log_cat), as from the application in sipt-gw. */
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>
#include "media/media.h"
#include "tones/tones.h"
#include "tests/media/test_log.h"

enum { TEST_DMEDIA, TEST_DTONES };

static const struct log_info_cat test_log_cats[] = {
	[TEST_DMEDIA] = { .name = "DMEDIA", .description = "RTP media bridges", .enabled = 1, .loglevel = LOGL_NOTICE },
	[TEST_DTONES] = { .name = "DTONES", .description = "Tone generation", .enabled = 1, .loglevel = LOGL_NOTICE },
};

static const struct log_info test_log_info = {
	.cat = test_log_cats,
	.num_cat = ARRAY_SIZE(test_log_cats),
};

void media_test_log_init(void *ctx)
{
	osmo_init_logging2(ctx, &test_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_category_hex(osmo_stderr_target, 0);
	media_set_log_cat(TEST_DMEDIA);
	tones_set_log_cat(TEST_DTONES);
}
