/* Logging of the media/tones test programs: their own categories, given to the libraries. */
#pragma once

void media_test_log_init(void *ctx);
