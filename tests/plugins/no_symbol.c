/* Test plugin that forgot the entry point: it exports a differently named
 * function, as a plugin with a typo would. */
#include "bo/bo_plugin.h"

const bo_plugin *bo_plugin_entry_typo(void);

const bo_plugin *bo_plugin_entry_typo(void)
{
    return NULL;
}
