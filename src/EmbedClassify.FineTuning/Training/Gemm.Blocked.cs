using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbedClassify.FineTuning;

// The blocked product, after the Goto/BLIS scheme: each depth block of B is packed into column panels Nr wide, each block of A (Mc rows
// by Kc of depth) into row panels Mr tall, and a register-tile kernel multiplies one A panel by one B panel into an
// Mr×Nr tile of C. Packing makes every kernel load sequential whatever the operands' layouts, which is how the three
// public products share one kernel. Pointers rather than spans: the row blocks run on pool threads, which cannot
// capture spans, so the operands are pinned for the duration of the call.
internal static unsafe partial class Gemm
{
    // Register tile: 6 rows × 16 columns = 12 Vector256 accumulators, plus 2 B vectors and 1 broadcast of A: 15 of the
    // 16 AVX2 registers, the tile BLIS uses on Haswell and Zen.
    private const int Mr = 6;
    private const int Nr = 16;

    // Depth of a block: one B panel (Kc × Nr floats, 16 KB) stays in L1 while the A block streams through it.
    private const int Kc = 256;

    // Rows of a packed A block: Mc × Kc floats (about 120 KB) stay in L2 while every B panel passes over them.
    private const int McMax = 120;

    // Products under this many multiply-adds take about 0.1 ms on one core, not much more than waking pool threads.
    private const long ParallelThreshold = 1L << 21;

    // Packed buffers are aligned to 32 bytes so no Vector256 load straddles a cache line.
    // The kernels and packing loops are marked AggressiveOptimization, so a trainer's first calls (before tiered
    // compilation would recompile them after 30 calls) do not run unoptimised loops over millions of elements.
    private const int AlignmentFloats = 8;

    /// <summary>Gets or sets whether the portable kernel runs even where AVX2 is available; tests set it to cover that path.</summary>
    internal static bool ForceScalar { get; set; }

    private static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate, bool transposeA, bool transposeB)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c[..(m * n)].Clear();
            }

            return;
        }

        int panels = (n + Nr - 1) / Nr;
        int workers = (long)m * k * n < ParallelThreshold ? 1 : Math.Min(Environment.ProcessorCount, (m + Mr - 1) / Mr);

        // Row blocks: at most McMax rows, and a multiple of the worker count so that no core idles at the end.
        int blocks = (m + McMax - 1) / McMax;
        if (workers > 1)
        {
            blocks = (Math.Max(blocks, workers) + workers - 1) / workers * workers;
        }

        int mc = ((m + blocks - 1) / blocks + Mr - 1) / Mr * Mr;
        blocks = (m + mc - 1) / mc;
        workers = Math.Min(workers, blocks);

        // One depth block of B is packed at a time (at most Kc × n floats, not all of B): memory stays bounded when
        // k is the token count, as in the weight gradient, and the block stays in cache while every row block uses it.
        float[] packedBArray = ArrayPool<float>.Shared.Rent((Math.Min(k, Kc) * panels * Nr) + AlignmentFloats);
        float[]? packedAArray = workers == 1 ? ArrayPool<float>.Shared.Rent(PackedALength(mc, k)) : null;
        try
        {
            fixed (float* aPointer = a)
            fixed (float* bPointer = b)
            fixed (float* cPointer = c)
            fixed (float* packedBPointer = packedBArray)
            fixed (float* packedAPointer = packedAArray)
            {
                var problem = new Problem(aPointer, bPointer, cPointer, Align(packedBPointer), m, k, n, mc, accumulate, transposeA, transposeB);
                for (int p0 = 0; p0 < k; p0 += Kc)
                {
                    if (workers == 1)
                    {
                        problem.PackB(p0, 0, panels);
                        for (int block = 0; block < blocks; block++)
                        {
                            problem.MultiplyBlock(block, p0, Align(packedAPointer));
                        }
                    }
                    else
                    {
                        RunParallel(problem, p0, panels, blocks, workers, PackedALength(mc, k));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedBArray);
            if (packedAArray is not null)
            {
                ArrayPool<float>.Shared.Return(packedAArray);
            }
        }
    }

    private static void RunParallel(Problem problem, int p0, int panels, int blocks, int workers, int packedALength)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
        Parallel.For(0, workers, options, worker => problem.PackB(p0, panels * worker / workers, panels * (worker + 1) / workers));
        Parallel.For(
            0,
            blocks,
            options,
            () => ArrayPool<float>.Shared.Rent(packedALength),
            (block, _, packedA) =>
            {
                fixed (float* packedAPointer = packedA)
                {
                    problem.MultiplyBlock(block, p0, Align(packedAPointer));
                }

                return packedA;
            },
            packedA => ArrayPool<float>.Shared.Return(packedA));
    }

    private static int PackedALength(int mc, int k) => (mc * Math.Min(k, Kc)) + AlignmentFloats;

    private static float* Align(float* pointer) => (float*)(((nint)pointer + (AlignmentFloats * sizeof(float)) - 1) & ~(nint)((AlignmentFloats * sizeof(float)) - 1));

    /// <summary>One product's operands and shape, copied into each pool thread's closure.</summary>
    private readonly struct Problem(float* a, float* b, float* c, float* packedB, int m, int k, int n, int mc, bool accumulate, bool transposeA, bool transposeB)
    {
        private int Panels => (n + Nr - 1) / Nr;

        /// <summary>Packs panels [firstPanel, endPanel) of depths [p0, p0 + Kc) of B: panel <c>j</c> holds kc rows of Nr floats.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PackB(int p0, int firstPanel, int endPanel)
        {
            int kc = Math.Min(Kc, k - p0);
            for (int panel = firstPanel; panel < endPanel; panel++)
            {
                float* destination = packedB + ((long)panel * kc * Nr);
                int j0 = panel * Nr;
                int columns = Math.Min(Nr, n - j0);
                if (transposeB)
                {
                    PackTransposed(b, k, p0, kc, j0, columns, Nr, destination);
                }
                else
                {
                    PackStraight(b, n, p0, kc, j0, columns, Nr, destination);
                }
            }
        }

        /// <summary>Adds rows [block·mc, block·mc + mc) of A times the packed depth block of B to those rows of C.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void MultiplyBlock(int block, int p0, float* packedA)
        {
            int panels = Panels;
            int i0 = block * mc;
            int rows = Math.Min(mc, m - i0);
            int rowPanels = (rows + Mr - 1) / Mr;
            int kc = Math.Min(Kc, k - p0);
            bool vectorised = Vector256.IsHardwareAccelerated && !ForceScalar;
            PackA(i0, rows, p0, kc, packedA);

            // The first depth block writes C, later ones add to it: no separate pass to clear C.
            bool overwrite = !accumulate && p0 == 0;
            for (int panel = 0; panel < panels; panel++)
            {
                float* bPanel = packedB + ((long)panel * kc * Nr);
                int j0 = panel * Nr;
                int columns = Math.Min(Nr, n - j0);
                for (int rowPanel = 0; rowPanel < rowPanels; rowPanel++)
                {
                    float* aPanel = packedA + (rowPanel * kc * Mr);
                    int firstRow = i0 + (rowPanel * Mr);
                    float* cTile = c + ((long)firstRow * n) + j0;
                    int tileRows = Math.Min(Mr, m - firstRow);
                    if (vectorised)
                    {
                        Kernel256(aPanel, bPanel, kc, cTile, n, tileRows, columns, overwrite);
                    }
                    else
                    {
                        KernelScalar(aPanel, bPanel, kc, cTile, n, tileRows, columns, overwrite);
                    }
                }
            }
        }

        /// <summary>Packs rows [i0, i0 + rows) of A, depths [p0, p0 + kc), as row panels of Mr floats per depth.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PackA(int i0, int rows, int p0, int kc, float* destination)
        {
            if (transposeA)
            {
                // A[i, p] is a[p·m + i]: read each depth's whole run of rows at once, rather than panel by panel down a
                // column of stride m (with m a multiple of 1024, every such read would fall in the same L1 set).
                for (int p = 0; p < kc; p++)
                {
                    float* source = a + ((long)(p0 + p) * m) + i0;
                    for (int start = 0; start < rows; start += Mr)
                    {
                        float* target = destination + (start * kc) + (p * Mr);
                        int panelRows = Math.Min(Mr, rows - start);
                        if (panelRows == Mr)
                        {
                            Vector128.Store(Vector128.Load(source + start), target);
                            target[4] = source[start + 4];
                            target[5] = source[start + 5];
                            continue;
                        }

                        int row = 0;
                        for (; row < panelRows; row++)
                        {
                            target[row] = source[start + row];
                        }

                        for (; row < Mr; row++)
                        {
                            target[row] = 0;
                        }
                    }
                }

                return;
            }

            // A[i, p] is a[i·k + p]: each row is read along its depths, like a transposed B.
            for (int start = 0; start < rows; start += Mr)
            {
                PackTransposed(a, k, p0, kc, i0 + start, Math.Min(Mr, rows - start), Mr, destination + (start * kc));
            }
        }
    }

    /// <summary>
    /// Packs source[p·stride + j] for p in [p0, p0 + kc) and j in [j0, j0 + count) as kc rows of <paramref name="width"/>
    /// floats, zero beyond <paramref name="count"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStraight(float* source, int stride, int p0, int kc, int j0, int count, int width, float* destination)
    {
        for (int p = 0; p < kc; p++)
        {
            float* row = source + ((long)(p0 + p) * stride) + j0;
            float* target = destination + (p * width);
            if (count == Nr && width == Nr && Vector256.IsHardwareAccelerated)
            {
                Vector256.Store(Vector256.Load(row), target);
                Vector256.Store(Vector256.Load(row + 8), target + 8);
                continue;
            }

            int j = 0;
            for (; j < count; j++)
            {
                target[j] = row[j];
            }

            for (; j < width; j++)
            {
                target[j] = 0;
            }
        }
    }

    /// <summary>
    /// Packs source[j·stride + p] for p in [p0, p0 + kc) and j in [j0, j0 + count) as kc rows of <paramref name="width"/>
    /// floats, zero beyond <paramref name="count"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* source, int stride, int p0, int kc, int j0, int count, int width, float* destination)
    {
        for (int j = 0; j < width; j++)
        {
            float* target = destination + j;
            if (j >= count)
            {
                for (int p = 0; p < kc; p++)
                {
                    target[p * width] = 0;
                }

                continue;
            }

            float* column = source + ((long)(j0 + j) * stride) + p0;
            for (int p = 0; p < kc; p++)
            {
                target[p * width] = column[p];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(float* a, float* b, int kc, float* c, int ldc, int rows, int columns, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector256<float> b0, b1, x;
        int p = 0;

        // Unrolled four times: the loop's own instructions would otherwise be a fifth of the front end's work.
        for (; p + 4 <= kc; p += 4)
        {
            b0 = Vector256.Load(b);
            b1 = Vector256.Load(b + 8);
            x = Broadcast(a);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Broadcast(a + 1);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Broadcast(a + 2);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Broadcast(a + 3);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Broadcast(a + 4);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Broadcast(a + 5);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            b0 = Vector256.Load(b + 16);
            b1 = Vector256.Load(b + 24);
            x = Broadcast(a + 6);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Broadcast(a + 7);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Broadcast(a + 8);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Broadcast(a + 9);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Broadcast(a + 10);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Broadcast(a + 11);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            b0 = Vector256.Load(b + 32);
            b1 = Vector256.Load(b + 40);
            x = Broadcast(a + 12);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Broadcast(a + 13);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Broadcast(a + 14);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Broadcast(a + 15);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Broadcast(a + 16);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Broadcast(a + 17);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            b0 = Vector256.Load(b + 48);
            b1 = Vector256.Load(b + 56);
            x = Broadcast(a + 18);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Broadcast(a + 19);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Broadcast(a + 20);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Broadcast(a + 21);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Broadcast(a + 22);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Broadcast(a + 23);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            a += 4 * Mr;
            b += 4 * Nr;
        }

        for (; p < kc; p++)
        {
            b0 = Vector256.Load(b);
            b1 = Vector256.Load(b + 8);
            x = Broadcast(a);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Broadcast(a + 1);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Broadcast(a + 2);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Broadcast(a + 3);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Broadcast(a + 4);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Broadcast(a + 5);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            a += Mr;
            b += Nr;
        }

        if (rows == Mr && columns == Nr)
        {
            StoreRow(c, c00, c01, overwrite);
            StoreRow(c + ldc, c10, c11, overwrite);
            StoreRow(c + (2 * ldc), c20, c21, overwrite);
            StoreRow(c + (3 * ldc), c30, c31, overwrite);
            StoreRow(c + (4 * ldc), c40, c41, overwrite);
            StoreRow(c + (5 * ldc), c50, c51, overwrite);
            return;
        }

        // An edge tile: the kernel computed the zero-padded rows and columns too; only the real ones reach C.
        float* tile = stackalloc float[Mr * Nr];
        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
        c20.Store(tile + 32);
        c21.Store(tile + 40);
        c30.Store(tile + 48);
        c31.Store(tile + 56);
        c40.Store(tile + 64);
        c41.Store(tile + 72);
        c50.Store(tile + 80);
        c51.Store(tile + 88);
        StoreTile(tile, c, ldc, rows, columns, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Broadcast(float* value) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector256(value) : Vector256.Create(*value);

    // One fused instruction with FMA; a multiply then an add elsewhere (Vector256.FusedMultiplyAdd would emulate it in
    // software on x64 without FMA).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> addend) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, addend) : Vector256.MultiplyAddEstimate(x, y, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> low, Vector256<float> high, bool overwrite)
    {
        if (!overwrite)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + 8);
        }

        low.Store(c);
        high.Store(c + 8);
    }

    /// <summary>The portable kernel: same packed layout and order of sums per element, no SIMD (and no FMA, which x64 would emulate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(float* a, float* b, int kc, float* c, int ldc, int rows, int columns, bool overwrite)
    {
        float* tile = stackalloc float[Mr * Nr];
        new Span<float>(tile, Mr * Nr).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int row = 0; row < Mr; row++)
            {
                float x = a[row];
                float* accumulator = tile + (row * Nr);
                for (int column = 0; column < Nr; column++)
                {
                    accumulator[column] += x * b[column];
                }
            }

            a += Mr;
            b += Nr;
        }

        StoreTile(tile, c, ldc, rows, columns, overwrite);
    }

    private static void StoreTile(float* tile, float* c, int ldc, int rows, int columns, bool overwrite)
    {
        for (int row = 0; row < rows; row++)
        {
            float* source = tile + (row * Nr);
            float* target = c + ((long)row * ldc);
            for (int column = 0; column < columns; column++)
            {
                target[column] = overwrite ? source[column] : target[column] + source[column];
            }
        }
    }
}
