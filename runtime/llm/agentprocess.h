#pragma once

#include "core/cancellationtoken.h"

#include <QByteArray>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>

namespace ktx {

// Runs an agent CLI to completion on the calling (worker) thread: stdout is
// delivered line by line as it arrives, stderr is kept (its tail explains a
// crash), and the whole process group is killed on cancellation, on a stop
// request from the line handler (budget), or when the child is silent too long.
class AgentProcess
{
public:
    struct Spec
    {
        QString program;
        QStringList arguments;
        QProcessEnvironment environment;
        QString workingDirectory;
        QByteArray stdinData; // written then closed; empty: stdin closed at once
        int silenceTimeoutMs = 30 * 60 * 1000;
    };

    enum class Ending { Exited, Crashed, FailedToStart, Stopped, Cancelled, TimedOut };

    struct Outcome
    {
        Ending ending = Ending::Exited;
        int exitCode = 0;
        QString stderrTail; // last few KiB, secrets redacted
        QString startError;

        // "\nLast output of <program>:\n<tail>" for an error message; empty without stderr.
        QString stderrSuffix(const QString &program) const
        {
            return stderrTail.isEmpty()
                ? QString()
                : QStringLiteral("\nLast output of %1:\n%2").arg(program, stderrTail.right(1500));
        }
    };

    // The handler returns false to stop the process (e.g. the budget is spent).
    using LineHandler = std::function<bool(const QByteArray &line)>;

    static Outcome run(const Spec &spec, const LineHandler &onLine,
                       const CancellationToken &cancel);

    // The current environment minus the named variables, plus the given ones.
    static QProcessEnvironment
    environmentWithout(const QStringList &strip, const QMap<QString, QString> &add,
                       const QProcessEnvironment &base = QProcessEnvironment::systemEnvironment());
    // Only the allow-listed variables of the base, plus the given ones.
    static QProcessEnvironment
    environmentOnly(const QStringList &allow, const QMap<QString, QString> &add,
                    const QProcessEnvironment &base = QProcessEnvironment::systemEnvironment());
};

} // namespace ktx
