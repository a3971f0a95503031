//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 scoring kernels (kernels_avx512_amd64.go): one 512-bit vector
// holds column k of a panel of 16 items, and each output's running sum
// goes on from the value found in out, with a separate multiply and add
// per column in order, so that the kernels continue Scores' chains
// exactly. Only AVX-512F instructions.

// USER6 runs one user of scores6x32z for column AX: the user's value
// from row `row` broadcast into b, times the two panels' columns (Z16,
// Z17) through the scratch registers ta and tb, added to its accumulators
// acca (panel a) and accb (panel b).
#define USER6(row, b, ta, tb, acca, accb) \
	VBROADCASTSS (row)(AX*4), b \
	VMULPS Z16, b, ta \
	VADDPS ta, acca, acca \
	VMULPS Z17, b, tb \
	VADDPS tb, accb, accb

#define LOADZ(mem, z) VMOVUPS mem, z
#define STOREZ(mem, z) VMOVUPS z, mem

// ROWS6 applies move (LOADZ or STOREZ) to the 32 outputs of each of the
// six users (rows DX, DX+R12, R13, R13+R12, BX, BX+R12) and Z0-Z11.
#define ROWS6(move) \
	move((DX), Z0) \
	move((DX)(R12*1), Z1) \
	move((R13), Z2) \
	move((R13)(R12*1), Z3) \
	move((BX), Z4) \
	move((BX)(R12*1), Z5) \
	move(64(DX), Z6) \
	move(64(DX)(R12*1), Z7) \
	move(64(R13), Z8) \
	move(64(R13)(R12*1), Z9) \
	move(64(BX), Z10) \
	move(64(BX)(R12*1), Z11)

// func scores6x32z(x *float32, dim int, pa, pb *[16]float32, n int, out *float32, w int)
// For users r = 0..5 (rows x+r*dim) and columns k = 0..n-1, in order:
// out[r*w+j] += x[r*dim+k]*pa[k][j], out[r*w+16+j] += x[r*dim+k]*pb[k][j].
// Twelve accumulators; each column takes two panel loads and six
// broadcasts for 12 multiplies and 12 adds. R15 holds a user row: the
// routine touches no global, so dynamic linking's use of R15 is no matter.
TEXT ·scores6x32z(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), R8
	MOVQ dim+8(FP), AX
	SHLQ $2, AX
	LEAQ (R8)(AX*1), R9
	LEAQ (R9)(AX*1), R10
	LEAQ (R10)(AX*1), R11
	LEAQ (R11)(AX*1), R14
	LEAQ (R14)(AX*1), R15
	MOVQ pa+16(FP), SI
	MOVQ pb+24(FP), DI
	MOVQ n+32(FP), CX
	MOVQ out+40(FP), DX
	MOVQ w+48(FP), R12
	SHLQ $2, R12
	LEAQ (DX)(R12*2), R13
	LEAQ (R13)(R12*2), BX
	ROWS6(LOADZ)
	XORQ AX, AX
s632loop:
	CMPQ AX, CX
	JGE s632done
	VMOVUPS (SI), Z16
	VMOVUPS (DI), Z17
	USER6(R8, Z18, Z24, Z30, Z0, Z6)
	USER6(R9, Z19, Z25, Z31, Z1, Z7)
	USER6(R10, Z20, Z26, Z30, Z2, Z8)
	USER6(R11, Z21, Z27, Z31, Z3, Z9)
	USER6(R14, Z22, Z28, Z30, Z4, Z10)
	USER6(R15, Z23, Z29, Z31, Z5, Z11)
	INCQ AX
	ADDQ $64, SI
	ADDQ $64, DI
	JMP s632loop
s632done:
	ROWS6(STOREZ)
	VZEROUPPER
	RET

// func scores1x16z(x *float32, pa *[16]float32, n int, out *[16]float32)
// out[j] += x[k]*pa[k][j] for k = 0..n-1, in order.
TEXT ·scores1x16z(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), R8
	MOVQ pa+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ out+24(FP), DX
	VMOVUPS (DX), Z0
	XORQ AX, AX
	XORQ BX, BX
s116loop:
	CMPQ AX, CX
	JGE s116done
	VBROADCASTSS (R8)(AX*4), Z8
	VMULPS (SI)(BX*1), Z8, Z9
	VADDPS Z9, Z0, Z0
	INCQ AX
	ADDQ $64, BX
	JMP s116loop
s116done:
	VMOVUPS Z0, (DX)
	VZEROUPPER
	RET
