/*
 * bcryptprimitives.dll for Wine 8, built by scripts/wine-smoke.
 *
 * Go programs (1.22 and newer) take their random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows that Go supports (10 and newer)
 * has. Wine added the DLL after 8.0, the version Debian 12 ships, so under
 * that Wine a Go program stops before main ("bcryptprimitives.dll not
 * found"). The smoke run puts this stand-in into its throwaway Wine prefix,
 * and only when the prefix lacks the DLL: it draws from RtlGenRandom
 * (advapi32's SystemFunction036), the generator Windows has always had.
 * Nothing of it ships with ocsetup.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
