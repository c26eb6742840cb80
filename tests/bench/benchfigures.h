#pragma once

// Min/median/max of repeated timings, shared by the benchmarks that interleave
// their candidates with a reference (one sample of each per round), so a busy
// machine slows both sides alike and the ratio stays meaningful.
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace ktx::bench {

struct Figures
{
    double min = 0;
    double median = 0;
    double max = 0;
};

inline Figures summarize(std::vector<double> ms)
{
    if (ms.empty())
        return {};
    std::sort(ms.begin(), ms.end());
    return {ms.front(), ms[ms.size() / 2], ms.back()};
}

// Runs work once and returns its wall time in milliseconds.
template<typename Work> double timeMs(Work &&work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return double(timer.nsecsElapsed()) / 1e6;
}

inline void print(const char *name, const Figures &f)
{
    std::printf("  %-44s min %9.2f ms   median %9.2f ms   max %9.2f ms\n", name, f.min, f.median,
                f.max);
}

} // namespace ktx::bench
