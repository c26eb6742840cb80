#pragma once

#include <QString>

namespace ktx {

// A native type name reduced for mapping: lower case, modifiers in parentheses
// removed, whitespace collapsed. "TIMESTAMP(3) WITHOUT TIME ZONE" becomes
// "timestamp without time zone", "decimal(10,2) unsigned" becomes
// "decimal unsigned".
inline QString sqlTypeBaseName(const QString &nativeType)
{
    QString out;
    int depth = 0;
    for (const QChar c : nativeType) {
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            depth = qMax(0, depth - 1);
        else if (depth == 0)
            out += c.toLower();
    }
    return out.simplified();
}

} // namespace ktx
