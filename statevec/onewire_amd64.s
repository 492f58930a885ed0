//go:build amd64 && !purego

#include "textflag.h"

// AVX2 + FMA kernels for one-wire gates (onewire.go). A YMM register holds two
// complex128 values [re0, im0, re1, im1]. A complex product u·x is
// ur·x ∓ ui·swap(x) (VFMADDSUB: even lanes subtract, odd lanes add), with
// swap(x) = [im0, re0, im1, re1] (VPERMILPD $5).

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// func applyAVX(x, y []complex128, u *m2)
// (x[i], y[i]) ← (a·x[i] + b·y[i], c·x[i] + d·y[i]) for u = [ar ai br bi cr ci dr di];
// len(x) is even and len(y) ≥ len(x).
TEXT ·applyAVX(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DI
	MOVQ u+48(FP), AX
	VBROADCASTSD 0(AX), Y0
	VBROADCASTSD 8(AX), Y1
	VBROADCASTSD 16(AX), Y2
	VBROADCASTSD 24(AX), Y3
	VBROADCASTSD 32(AX), Y4
	VBROADCASTSD 40(AX), Y5
	VBROADCASTSD 48(AX), Y6
	VBROADCASTSD 56(AX), Y7
	SHRQ $1, CX
	JZ   applydone

applyloop:
	VMOVUPD   (SI), Y8
	VMOVUPD   (DI), Y9
	VPERMILPD $5, Y8, Y10
	VPERMILPD $5, Y9, Y11
	VMULPD    Y1, Y10, Y12
	VFMADD231PD Y3, Y11, Y12
	VFMADDSUB231PD Y0, Y8, Y12
	VFMADD231PD Y2, Y9, Y12
	VMULPD    Y5, Y10, Y13
	VFMADD231PD Y7, Y11, Y13
	VFMADDSUB231PD Y4, Y8, Y13
	VFMADD231PD Y6, Y9, Y13
	VMOVUPD   Y12, (SI)
	VMOVUPD   Y13, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       applyloop

applydone:
	VZEROUPPER
	RET

// func adjApplyAVX(s []complex128, u *[16]float64)
// Adjacent pairs (s[2i], s[2i+1]) ← (u00·s0 + u01·s1, u10·s0 + u11·s1), with
// u = [Dr(4) Di(4) Ar(4) Ai(4)]: D = [u00, u11], A = [u01, u10] per lane.
// len(s) is even.
TEXT ·adjApplyAVX(SB), NOSPLIT, $0-32
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), CX
	MOVQ u+24(FP), AX
	VMOVUPD 0(AX), Y0
	VMOVUPD 32(AX), Y1
	VMOVUPD 64(AX), Y2
	VMOVUPD 96(AX), Y3
	SHRQ $1, CX
	JZ   adjdone

adjloop:
	VMOVUPD    (SI), Y8
	VPERM2F128 $1, Y8, Y8, Y9
	VPERMILPD  $5, Y8, Y10
	VPERMILPD  $5, Y9, Y11
	VMULPD     Y1, Y10, Y12
	VFMADD231PD Y3, Y11, Y12
	VFMADDSUB231PD Y0, Y8, Y12
	VFMADD231PD Y2, Y9, Y12
	VMOVUPD    Y12, (SI)
	ADDQ       $32, SI
	DECQ       CX
	JNZ        adjloop

adjdone:
	VZEROUPPER
	RET

// func outerAVX(lx, ly, fx, fy []complex128, acc *[32]float64)
// For a, b in {0, 1} accumulates P_ab += l_a ⊙ f_b and Q_ab += l_a ⊙ swap(f_b)
// lane by lane, and stores [P00 Q00 P01 Q01 P10 Q10 P11 Q11] (4 lanes each)
// into acc: Re Σ conj(l_a)·f_b is the sum of P_ab's lanes, Im the even
// lanes of Q_ab minus its odd lanes. len(lx) is even; the others are as long.
TEXT ·outerAVX(SB), NOSPLIT, $0-104
	MOVQ lx_base+0(FP), SI
	MOVQ lx_len+8(FP), CX
	MOVQ ly_base+24(FP), DI
	MOVQ fx_base+48(FP), R8
	MOVQ fy_base+72(FP), R9
	MOVQ acc+96(FP), AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	SHRQ $1, CX
	JZ   outerstore

outerloop:
	VMOVUPD   (SI), Y8
	VMOVUPD   (DI), Y9
	VMOVUPD   (R8), Y10
	VMOVUPD   (R9), Y11
	VPERMILPD $5, Y10, Y12
	VPERMILPD $5, Y11, Y13
	VFMADD231PD Y10, Y8, Y0
	VFMADD231PD Y12, Y8, Y1
	VFMADD231PD Y11, Y8, Y2
	VFMADD231PD Y13, Y8, Y3
	VFMADD231PD Y10, Y9, Y4
	VFMADD231PD Y12, Y9, Y5
	VFMADD231PD Y11, Y9, Y6
	VFMADD231PD Y13, Y9, Y7
	ADDQ      $32, SI
	ADDQ      $32, DI
	ADDQ      $32, R8
	ADDQ      $32, R9
	DECQ      CX
	JNZ       outerloop

outerstore:
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y2, 64(AX)
	VMOVUPD Y3, 96(AX)
	VMOVUPD Y4, 128(AX)
	VMOVUPD Y5, 160(AX)
	VMOVUPD Y6, 192(AX)
	VMOVUPD Y7, 224(AX)
	VZEROUPPER
	RET

// func adjOuterAVX(lam, phi []complex128, acc *[16]float64)
// For adjacent pairs l = (lam[2i], lam[2i+1]), f = (phi[2i], phi[2i+1]):
// accumulates P += l ⊙ f, Q += l ⊙ swap(f), P' += l ⊙ f', Q' += l ⊙ swap(f')
// with f' = (f1, f0), and stores [P Q P' Q'] into acc. The low halves give
// conj(l0)·f0 and (primed) conj(l0)·f1, the high halves conj(l1)·f1 and
// conj(l1)·f0. len(lam) is even; phi is as long.
TEXT ·adjOuterAVX(SB), NOSPLIT, $0-56
	MOVQ lam_base+0(FP), SI
	MOVQ lam_len+8(FP), CX
	MOVQ phi_base+24(FP), DI
	MOVQ acc+48(FP), AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHRQ $1, CX
	JZ   adjouterstore

adjouterloop:
	VMOVUPD    (SI), Y8
	VMOVUPD    (DI), Y9
	VPERM2F128 $1, Y9, Y9, Y10
	VPERMILPD  $5, Y9, Y11
	VPERMILPD  $5, Y10, Y12
	VFMADD231PD Y9, Y8, Y0
	VFMADD231PD Y11, Y8, Y1
	VFMADD231PD Y10, Y8, Y2
	VFMADD231PD Y12, Y8, Y3
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        adjouterloop

adjouterstore:
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y2, 64(AX)
	VMOVUPD Y3, 96(AX)
	VZEROUPPER
	RET

// func pairsApplyAVX(a []complex128, h, nblk int, u *m2)
// Applies u (as in applyAVX) to the pairs (i, i+h) of nblk whole blocks of
// 2h amplitudes at the start of a; h is even.
TEXT ·pairsApplyAVX(SB), NOSPLIT, $0-48
	MOVQ a_base+0(FP), SI
	MOVQ h+24(FP), R10
	MOVQ nblk+32(FP), DX
	MOVQ u+40(FP), AX
	VBROADCASTSD 0(AX), Y0
	VBROADCASTSD 8(AX), Y1
	VBROADCASTSD 16(AX), Y2
	VBROADCASTSD 24(AX), Y3
	VBROADCASTSD 32(AX), Y4
	VBROADCASTSD 40(AX), Y5
	VBROADCASTSD 48(AX), Y6
	VBROADCASTSD 56(AX), Y7
	MOVQ R10, BX
	SHLQ $4, BX         // h in bytes
	SHRQ $1, R10        // iterations per block
	TESTQ DX, DX
	JZ   pairsdone
	TESTQ R10, R10
	JZ   pairsdone

pairsblock:
	MOVQ SI, R8
	LEAQ (SI)(BX*1), R9
	MOVQ R10, CX

pairsloop:
	VMOVUPD   (R8), Y8
	VMOVUPD   (R9), Y9
	VPERMILPD $5, Y8, Y10
	VPERMILPD $5, Y9, Y11
	VMULPD    Y1, Y10, Y12
	VFMADD231PD Y3, Y11, Y12
	VFMADDSUB231PD Y0, Y8, Y12
	VFMADD231PD Y2, Y9, Y12
	VMULPD    Y5, Y10, Y13
	VFMADD231PD Y7, Y11, Y13
	VFMADDSUB231PD Y4, Y8, Y13
	VFMADD231PD Y6, Y9, Y13
	VMOVUPD   Y12, (R8)
	VMOVUPD   Y13, (R9)
	ADDQ      $32, R8
	ADDQ      $32, R9
	DECQ      CX
	JNZ       pairsloop
	LEAQ (SI)(BX*2), SI
	DECQ DX
	JNZ  pairsblock

pairsdone:
	VZEROUPPER
	RET

// func pairsOuterAVX(lam, phi []complex128, h, nblk int, acc *[32]float64)
// outerAVX over the pairs (i, i+h) of nblk whole blocks of 2h amplitudes
// at the start of lam and phi; h is even.
TEXT ·pairsOuterAVX(SB), NOSPLIT, $0-72
	MOVQ lam_base+0(FP), SI
	MOVQ phi_base+24(FP), DI
	MOVQ h+48(FP), R10
	MOVQ nblk+56(FP), DX
	MOVQ acc+64(FP), AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ R10, BX
	SHLQ $4, BX
	SHRQ $1, R10
	TESTQ DX, DX
	JZ   pouterstore
	TESTQ R10, R10
	JZ   pouterstore

pouterblock:
	MOVQ SI, R8
	LEAQ (SI)(BX*1), R9
	MOVQ DI, R11
	LEAQ (DI)(BX*1), R12
	MOVQ R10, CX

pouterloop:
	VMOVUPD   (R8), Y8
	VMOVUPD   (R9), Y9
	VMOVUPD   (R11), Y10
	VMOVUPD   (R12), Y11
	VPERMILPD $5, Y10, Y12
	VPERMILPD $5, Y11, Y13
	VFMADD231PD Y10, Y8, Y0
	VFMADD231PD Y12, Y8, Y1
	VFMADD231PD Y11, Y8, Y2
	VFMADD231PD Y13, Y8, Y3
	VFMADD231PD Y10, Y9, Y4
	VFMADD231PD Y12, Y9, Y5
	VFMADD231PD Y11, Y9, Y6
	VFMADD231PD Y13, Y9, Y7
	ADDQ      $32, R8
	ADDQ      $32, R9
	ADDQ      $32, R11
	ADDQ      $32, R12
	DECQ      CX
	JNZ       pouterloop
	LEAQ (SI)(BX*2), SI
	LEAQ (DI)(BX*2), DI
	DECQ DX
	JNZ  pouterblock

pouterstore:
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y2, 64(AX)
	VMOVUPD Y3, 96(AX)
	VMOVUPD Y4, 128(AX)
	VMOVUPD Y5, 160(AX)
	VMOVUPD Y6, 192(AX)
	VMOVUPD Y7, 224(AX)
	VZEROUPPER
	RET
