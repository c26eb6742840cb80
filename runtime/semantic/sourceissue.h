#pragma once

#include <QString>

namespace ktx {

// One finding about a semantic-layer source: a schema violation, a dangling
// join, a duplicate name. Errors make the source (or the set) unusable;
// warnings are shown and the source still loads.
struct SourceIssue
{
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    QString code;
    QString message;
    QString file; // path as given to the loader; empty for sources built in code
    int line = 0; // 1-based; 0 when unknown
    int column = 0;
    QString sourceName;

    bool isError() const { return severity == Severity::Error; }
    // "file:line:column: error: message", the format editors and CI parse.
    QString toText() const
    {
        QString text;
        if (!file.isEmpty()) {
            text += file;
            if (line > 0)
                text += QLatin1Char(':') + QString::number(line) + QLatin1Char(':')
                    + QString::number(column);
            text += QLatin1String(": ");
        }
        text += isError() ? QLatin1String("error: ") : QLatin1String("warning: ");
        return text + message;
    }
};

} // namespace ktx
