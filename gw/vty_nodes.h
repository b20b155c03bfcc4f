/* The application's VTY node ids: gw/ keeps its name for the shared table in common/. */
#pragma once
#include "common/vty_nodes.h"
