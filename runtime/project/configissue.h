#pragma once

#include <QList>
#include <QString>

namespace ktx {

// One finding about ktx.yaml. Unknown keys are warnings (ignored, never rewritten);
// invalid values are errors. Line and column point at the offending key or value.
struct ConfigIssue
{
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    QString path; // dotted: llm.provider.backend
    QString message; // "Unsupported llm.provider.backend: nope"
    QString fix; // a sentence on how to fix it
    QString file; // the ktx.yaml path
    int line = 0;
    int column = 0;

    bool isError() const { return severity == Severity::Error; }
    QString severityName() const
    {
        return isError() ? QStringLiteral("error") : QStringLiteral("warning");
    }
    QString location() const; // "ktx.yaml:12:5"
};

using ConfigIssues = QList<ConfigIssue>;

} // namespace ktx
