/*
 * The kernel command line: one line of text from \weft\cmdline.txt.
 *
 * Editors and `echo` leave a trailing newline (and Windows ones a CR), so
 * those are stripped; any other line break becomes a space, because the
 * kernel parses a single line of words. A missing file means an empty
 * command line: the kernel then runs with its defaults.
 */
#include "loader.h"

static BOOLEAN is_line_end(char c)
{
	return c == '\n' || c == '\r';
}

void cmdline_load(EFI_FILE_HANDLE root, char out[WEFT_CMDLINE_MAX])
{
	struct loaded_file f;
	out[0] = '\0';
	if (!esp_read_file(root, WEFT_PATH_CMDLINE, &f))
		return;

	const char *text = f.data;
	UINT64 len = 0;
	while (len < f.size && text[len] != '\0')
		len++;
	while (len > 0 && is_line_end(text[len - 1]))
		len--;

	if (len > WEFT_CMDLINE_MAX - 1) {
		Print(L"weft-loader: warning: command line truncated from %lu to %d bytes\n",
		      len, WEFT_CMDLINE_MAX - 1);
		len = WEFT_CMDLINE_MAX - 1;
	}
	for (UINT64 i = 0; i < len; i++)
		out[i] = is_line_end(text[i]) || text[i] == '\t' ? ' ' : text[i];
	out[len] = '\0';

	/* The raw file is no longer needed; give its page back now so it
	 * does not linger in the map as WEFT_MEM_BOOT. */
	loader_free_pages(f.data, f.size);
}
