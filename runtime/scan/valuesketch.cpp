#include "scan/valuesketch.h"

#include <algorithm>

namespace ktx {

ValueSketch::ValueSketch(int capacity)
    : m_capacity(std::max(1, capacity))
{ }

quint64 ValueSketch::hash(const QString &value)
{
    // FNV-1a over UTF-8 and a final avalanche: stable across runs and Qt versions
    // (qHash is seeded per process), which keeps sketches comparable.
    quint64 h = 14695981039346656037ULL;
    const QByteArray bytes = value.toCaseFolded().toUtf8();
    for (const char byte : bytes) {
        h ^= static_cast<unsigned char>(byte);
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

void ValueSketch::add(const QString &value)
{
    const quint64 h = hash(value);
    if (m_hashes.size() >= m_capacity && h > m_hashes.constLast()) {
        m_overflowed = true;
        return;
    }
    const auto it = std::lower_bound(m_hashes.begin(), m_hashes.end(), h);
    if (it != m_hashes.end() && *it == h)
        return;
    m_hashes.insert(it, h);
    if (m_hashes.size() > m_capacity) {
        m_hashes.removeLast();
        m_overflowed = true;
    }
}

ValueSketch ValueSketch::fromValues(const QStringList &values, int capacity)
{
    ValueSketch sketch(capacity);
    QList<quint64> hashes;
    hashes.reserve(values.size());
    for (const QString &value : values)
        hashes.append(hash(value));
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    if (hashes.size() > sketch.m_capacity) {
        hashes.resize(sketch.m_capacity);
        sketch.m_overflowed = true;
    }
    sketch.m_hashes = std::move(hashes);
    return sketch;
}

std::optional<double> ValueSketch::containmentIn(const ValueSketch &other) const
{
    if (m_hashes.isEmpty() || other.m_hashes.isEmpty())
        return std::nullopt;
    // Only our hashes at or below the other's horizon can be looked up exactly.
    const quint64 horizon = other.isComplete() ? ~quint64(0) : other.m_hashes.constLast();
    qsizetype considered = 0;
    qsizetype found = 0;
    auto theirs = other.m_hashes.cbegin();
    for (const quint64 h : m_hashes) {
        if (h > horizon)
            break;
        ++considered;
        theirs = std::lower_bound(theirs, other.m_hashes.cend(), h);
        if (theirs != other.m_hashes.cend() && *theirs == h)
            ++found;
    }
    if (considered == 0)
        return std::nullopt;
    return double(found) / double(considered);
}

} // namespace ktx
