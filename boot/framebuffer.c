/*
 * The framebuffer, if there is one: the Graphics Output Protocol tells
 * where the firmware's current video mode lives in physical memory, which
 * stays valid after ExitBootServices. A machine without GOP (a serial-only
 * server, or QEMU with -vga none) is fine: the kernel gets fb.base = 0 and
 * uses the serial console alone.
 */
#include "loader.h"

/* Bits per pixel of a PixelBitMask mode: the highest bit any mask uses. */
static UINT32 mask_bpp(const EFI_PIXEL_BITMASK *m)
{
	UINT32 all = m->RedMask | m->GreenMask | m->BlueMask | m->ReservedMask;
	UINT32 bits = 0;
	while (all) {
		bits++;
		all >>= 1;
	}
	return (bits + 7) & ~7u;
}

void framebuffer_query(struct weft_framebuffer *fb)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	fb->base = 0;
	if (EFI_ERROR(BS->LocateProtocol(&GraphicsOutputProtocol, NULL,
					 (void **)&gop)) ||
	    !gop || !gop->Mode || !gop->Mode->Info)
		return;

	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = gop->Mode->Info;
	UINT32 bpp;
	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
	case PixelBlueGreenRedReserved8BitPerColor:
		bpp = 32;
		break;
	case PixelBitMask:
		bpp = mask_bpp(&mi->PixelInformation);
		break;
	default: /* PixelBltOnly: no linear framebuffer to hand over */
		return;
	}

	fb->base = gop->Mode->FrameBufferBase;
	fb->width = mi->HorizontalResolution;
	fb->height = mi->VerticalResolution;
	fb->bpp = bpp;
	/* PixelsPerScanLine may exceed the visible width (padding). */
	fb->pitch = mi->PixelsPerScanLine * (bpp / 8);
}
