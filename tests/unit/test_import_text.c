/* test_import_text.c - the text-format importers (placeholder). */
#include <criterion/criterion.h>
