#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <optional>

namespace ktx {

// A bottom-k sketch of a column's distinct values: the k smallest 64-bit hashes
// of the case-folded values. Two sketches built with the same hash estimate how
// much of one column's values the other holds, with bounded memory per column:
// below the other sketch's largest kept hash, membership is decided exactly.
class ValueSketch
{
public:
    static constexpr int kDefaultCapacity = 1024;

    explicit ValueSketch(int capacity = kDefaultCapacity);

    // `value` is the canonical text of one non-null value; it is case-folded here.
    void add(const QString &value);
    // The sketch of a whole set of values at once (faster than add() one by one).
    static ValueSketch fromValues(const QStringList &values, int capacity = kDefaultCapacity);

    // Fraction of this column's distinct values that `other` also holds, or
    // nullopt when the sketches share no comparable hash range (or are empty).
    std::optional<double> containmentIn(const ValueSketch &other) const;

    bool isEmpty() const { return m_hashes.isEmpty(); }
    // True when every distinct value fit: the sketch is the exact value set.
    bool isComplete() const { return !m_overflowed; }
    qsizetype size() const { return m_hashes.size(); }

    static quint64 hash(const QString &value);

private:
    QList<quint64> m_hashes; // ascending
    int m_capacity;
    bool m_overflowed = false;
};

} // namespace ktx
