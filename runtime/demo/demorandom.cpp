#include "demo/demorandom.h"

#include <algorithm>

namespace ktx {

namespace {

quint64 mix(quint64 z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace

DemoRandom DemoRandom::stream(quint64 seed, quint64 streamId)
{
    return DemoRandom(mix(seed) ^ mix(streamId * 0xd1b54a32d192ed03ULL + 0x9e3779b97f4a7c15ULL));
}

quint64 DemoRandom::next()
{
    m_state += 0x9e3779b97f4a7c15ULL;
    return mix(m_state);
}

quint64 DemoRandom::below(quint64 bound)
{
    Q_ASSERT(bound > 0);
    // Values below `threshold` would make the low residues more likely; skip them.
    const quint64 threshold = (0 - bound) % bound;
    for (;;) {
        const quint64 r = next();
        if (r >= threshold)
            return r % bound;
    }
}

qint64 DemoRandom::between(qint64 low, qint64 high)
{
    Q_ASSERT(low <= high);
    return low + qint64(below(quint64(high - low) + 1));
}

double DemoRandom::unit()
{
    return double(next() >> 11) * 0x1.0p-53;
}

std::size_t DemoRandom::weighted(std::span<const int> weights)
{
    quint64 total = 0;
    for (const int w : weights)
        total += quint64(std::max(w, 0));
    Q_ASSERT(total > 0);
    quint64 r = below(total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const quint64 w = quint64(std::max(weights[i], 0));
        if (r < w)
            return i;
        r -= w;
    }
    return weights.size() - 1;
}

std::size_t DemoRandom::cumulative(std::span<const quint64> cumulative)
{
    Q_ASSERT(!cumulative.empty() && cumulative.back() > 0);
    const quint64 r = below(cumulative.back());
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
    return std::size_t(it - cumulative.begin());
}

} // namespace ktx
