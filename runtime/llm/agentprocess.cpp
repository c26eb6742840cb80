#include "llm/agentprocess.h"

#include "core/secretredactor.h"

#include <QEventLoop>
#include <QProcess>
#include <QTimer>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace ktx {

namespace {

constexpr qsizetype StderrTailBytes = 4096;
constexpr qsizetype MaxLineBytes = 64 * 1024 * 1024; // a runaway line is cut, not buffered forever

void killGroup(QProcess &process)
{
    const qint64 pid = process.processId();
    if (pid > 0) {
        ::kill(-static_cast<pid_t>(pid), SIGTERM);
        if (!process.waitForFinished(1500))
            ::kill(-static_cast<pid_t>(pid), SIGKILL);
    }
    process.kill();
    process.waitForFinished(3000);
}

} // namespace

QProcessEnvironment AgentProcess::environmentWithout(const QStringList &strip,
                                                     const QMap<QString, QString> &add,
                                                     const QProcessEnvironment &base)
{
    QProcessEnvironment env = base;
    for (const QString &name : strip)
        env.remove(name);
    for (auto it = add.begin(); it != add.end(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

QProcessEnvironment AgentProcess::environmentOnly(const QStringList &allow,
                                                  const QMap<QString, QString> &add,
                                                  const QProcessEnvironment &base)
{
    QProcessEnvironment env;
    for (const QString &name : allow) {
        if (base.contains(name))
            env.insert(name, base.value(name));
    }
    for (auto it = add.begin(); it != add.end(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

AgentProcess::Outcome AgentProcess::run(const Spec &spec, const LineHandler &onLine,
                                        const CancellationToken &cancel)
{
    Outcome outcome;
    QProcess process;
    process.setProgram(spec.program);
    process.setArguments(spec.arguments);
    process.setProcessEnvironment(spec.environment);
    if (!spec.workingDirectory.isEmpty())
        process.setWorkingDirectory(spec.workingDirectory);
    // Own process group, so the CLI's children (MCP helpers, shells) die with it.
    process.setChildProcessModifier([] { ::setpgid(0, 0); });

    QByteArray pending;
    QByteArray stderrTail;
    bool stopRequested = false;
    QEventLoop loop;
    QTimer silence;
    silence.setSingleShot(true);
    silence.setInterval(spec.silenceTimeoutMs);
    QTimer poll;
    poll.setInterval(50);

    auto deliver = [&](bool flushAll) {
        qsizetype start = 0;
        for (;;) {
            const qsizetype nl = pending.indexOf('\n', start);
            if (nl < 0)
                break;
            const QByteArray line = pending.mid(start, nl - start);
            start = nl + 1;
            if (!stopRequested && onLine && !onLine(line))
                stopRequested = true;
        }
        pending.remove(0, start);
        if (flushAll && !pending.isEmpty()) {
            if (!stopRequested && onLine && !onLine(pending))
                stopRequested = true;
            pending.clear();
        }
        if (pending.size() > MaxLineBytes)
            pending.clear();
    };

    QObject::connect(&process, &QProcess::readyReadStandardOutput, &loop, [&] {
        silence.start();
        pending += process.readAllStandardOutput();
        deliver(false);
        if (stopRequested && outcome.ending != Ending::Stopped) {
            outcome.ending = Ending::Stopped;
            killGroup(process);
        }
    });
    QObject::connect(&process, &QProcess::readyReadStandardError, &loop, [&] {
        silence.start();
        stderrTail += process.readAllStandardError();
        if (stderrTail.size() > StderrTailBytes)
            stderrTail = stderrTail.right(StderrTailBytes);
    });
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::errorOccurred, &loop, [&](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            outcome.ending = Ending::FailedToStart;
            outcome.startError = process.errorString();
            loop.quit();
        }
    });
    QObject::connect(&silence, &QTimer::timeout, &loop, [&] {
        if (outcome.ending == Ending::Exited)
            outcome.ending = Ending::TimedOut;
        killGroup(process);
    });
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled() && outcome.ending == Ending::Exited) {
            outcome.ending = Ending::Cancelled;
            killGroup(process);
        }
    });

    process.start(QIODevice::ReadWrite);
    if (!process.waitForStarted(10000)) {
        outcome.ending = Ending::FailedToStart;
        outcome.startError = process.errorString();
        return outcome;
    }
    if (!spec.stdinData.isEmpty())
        process.write(spec.stdinData);
    process.closeWriteChannel();
    silence.start();
    poll.start();
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    process.waitForFinished(5000);

    pending += process.readAllStandardOutput();
    deliver(true);
    stderrTail += process.readAllStandardError();
    if (stderrTail.size() > StderrTailBytes)
        stderrTail = stderrTail.right(StderrTailBytes);
    outcome.stderrTail = SecretRedactor::redact(QString::fromUtf8(stderrTail).trimmed());

    if (outcome.ending == Ending::Exited) {
        if (process.exitStatus() == QProcess::CrashExit)
            outcome.ending = Ending::Crashed;
        outcome.exitCode = process.exitCode();
    }
    return outcome;
}

} // namespace ktx
