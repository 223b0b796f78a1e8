/* jsmn.c: the one translation unit that holds jsmn's implementation. */
#include <jsmn.h>
