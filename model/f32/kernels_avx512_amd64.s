//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 scoring kernels (kernels_avx512_amd64.go): one 512-bit vector
// holds column k of a panel of 16 items, and each output's running sum
// goes on from the value found in out, with a separate multiply and add
// per column in order, so that the kernels continue Scores' chains
// exactly. Only AVX-512F instructions.

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
	VMOVUPS (DX), Z0
	VMOVUPS (DX)(R12*1), Z1
	VMOVUPS (R13), Z2
	VMOVUPS (R13)(R12*1), Z3
	VMOVUPS (BX), Z4
	VMOVUPS (BX)(R12*1), Z5
	VMOVUPS 64(DX), Z6
	VMOVUPS 64(DX)(R12*1), Z7
	VMOVUPS 64(R13), Z8
	VMOVUPS 64(R13)(R12*1), Z9
	VMOVUPS 64(BX), Z10
	VMOVUPS 64(BX)(R12*1), Z11
	XORQ AX, AX
s632loop:
	CMPQ AX, CX
	JGE s632done
	VMOVUPS (SI), Z16
	VMOVUPS (DI), Z17
	VBROADCASTSS (R8)(AX*4), Z18
	VMULPS Z16, Z18, Z24
	VADDPS Z24, Z0, Z0
	VMULPS Z17, Z18, Z30
	VADDPS Z30, Z6, Z6
	VBROADCASTSS (R9)(AX*4), Z19
	VMULPS Z16, Z19, Z25
	VADDPS Z25, Z1, Z1
	VMULPS Z17, Z19, Z31
	VADDPS Z31, Z7, Z7
	VBROADCASTSS (R10)(AX*4), Z20
	VMULPS Z16, Z20, Z26
	VADDPS Z26, Z2, Z2
	VMULPS Z17, Z20, Z30
	VADDPS Z30, Z8, Z8
	VBROADCASTSS (R11)(AX*4), Z21
	VMULPS Z16, Z21, Z27
	VADDPS Z27, Z3, Z3
	VMULPS Z17, Z21, Z31
	VADDPS Z31, Z9, Z9
	VBROADCASTSS (R14)(AX*4), Z22
	VMULPS Z16, Z22, Z28
	VADDPS Z28, Z4, Z4
	VMULPS Z17, Z22, Z30
	VADDPS Z30, Z10, Z10
	VBROADCASTSS (R15)(AX*4), Z23
	VMULPS Z16, Z23, Z29
	VADDPS Z29, Z5, Z5
	VMULPS Z17, Z23, Z31
	VADDPS Z31, Z11, Z11
	INCQ AX
	ADDQ $64, SI
	ADDQ $64, DI
	JMP s632loop
s632done:
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, (DX)(R12*1)
	VMOVUPS Z2, (R13)
	VMOVUPS Z3, (R13)(R12*1)
	VMOVUPS Z4, (BX)
	VMOVUPS Z5, (BX)(R12*1)
	VMOVUPS Z6, 64(DX)
	VMOVUPS Z7, 64(DX)(R12*1)
	VMOVUPS Z8, 64(R13)
	VMOVUPS Z9, 64(R13)(R12*1)
	VMOVUPS Z10, 64(BX)
	VMOVUPS Z11, 64(BX)(R12*1)
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
