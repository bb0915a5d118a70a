/*
 * Reading whole files from the ESP.
 *
 * The firmware loaded BOOTX64.EFI from some volume; LoadedImage tells us
 * which device that was, and the Simple File System protocol on that
 * device gives us its root directory. So the kernel files are found next
 * to the loader, whatever disk or partition that happens to be.
 */
#include "loader.h"

EFI_FILE_HANDLE esp_open_root(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *loaded;
	EFI_STATUS st = BS->HandleProtocol(image, &LoadedImageProtocol,
					   (void **)&loaded);
	if (EFI_ERROR(st))
		loader_fail(L"no LoadedImage protocol", st);

	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	st = BS->HandleProtocol(loaded->DeviceHandle, &FileSystemProtocol,
				(void **)&fs);
	if (EFI_ERROR(st))
		loader_fail(L"boot volume has no file system", st);

	EFI_FILE_HANDLE root;
	st = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(st))
		loader_fail(L"cannot open the boot volume", st);
	return root;
}

/* EFI_FILE_INFO ends in a variable-length file name, so its size is only
 * known by asking: a first GetInfo with no buffer reports the size needed. */
static UINT64 file_size(EFI_FILE_HANDLE file, const CHAR16 *path)
{
	UINTN info_size = 0;
	EFI_STATUS st = file->GetInfo(file, &GenericFileInfo, &info_size, NULL);
	EFI_FILE_INFO *info = NULL;
	if (st == EFI_BUFFER_TOO_SMALL) {
		st = BS->AllocatePool(EfiLoaderData, info_size, (void **)&info);
		if (!EFI_ERROR(st))
			st = file->GetInfo(file, &GenericFileInfo, &info_size,
					   info);
	}
	if (EFI_ERROR(st))
		loader_fail_file(L"cannot stat", path, st);

	UINT64 size = info->FileSize;
	BS->FreePool(info);
	return size;
}

BOOLEAN esp_read_file(EFI_FILE_HANDLE root, const CHAR16 *path,
		      struct loaded_file *out)
{
	out->data = NULL;
	out->size = 0;

	EFI_FILE_HANDLE file;
	EFI_STATUS st = root->Open(root, &file, (CHAR16 *)path,
				   EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND)
		return FALSE;
	if (EFI_ERROR(st))
		loader_fail_file(L"cannot open", path, st);

	UINT64 size = file_size(file, path);
	void *data = loader_alloc_pages(size, path);

	/* Read may legally return fewer bytes than asked for; loop until
	 * the whole file is in, and treat "no progress" as an error. */
	UINT64 done = 0;
	while (done < size) {
		UINTN chunk = size - done;
		st = file->Read(file, &chunk, (UINT8 *)data + done);
		if (EFI_ERROR(st) || chunk == 0)
			loader_fail_file(L"cannot read", path,
					 EFI_ERROR(st) ? st : EFI_END_OF_FILE);
		done += chunk;
	}
	file->Close(file);

	out->data = data;
	out->size = size;
	return TRUE;
}
