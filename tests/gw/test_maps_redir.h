/* The redirection cases of test_maps (tests/gw/test_maps_redir.c): 27 checks; returns the failures */
#pragma once
int test_redir(void);
