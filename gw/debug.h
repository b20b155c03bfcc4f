/* The application's logging categories: gw/ keeps its name for the shared table in common/. */
#pragma once
#include "common/debug.h"
