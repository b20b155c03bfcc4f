/* Internal to tones/ (not for users of tones.h): the logging category given by the application. */
#pragma once
#include "tones/tones.h"

#define DTONES tones_log_cat()
