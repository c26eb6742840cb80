#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <optional>

namespace ktx {

// Exit codes of every command.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

// What every command gets: the global options and the output streams.
class CliContext
{
public:
    CliContext();

    QString projectDirFlag;
    bool json = false;
    bool noInput = false;
    bool debug = false;

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    // A parser for one command that also accepts the global options after the
    // command word (`ktx status --project-dir X`). Returns an exit code when the
    // command should stop (usage error printed, or --help shown), else nothing.
    std::optional<int> parse(QCommandLineParser &parser, const QString &command,
                             const QStringList &args);

    // Prints an error (text or JSON, per --json) and returns the exit code.
    int fail(const QString &code, const QString &message, const QString &hint = {},
             int exitCode = ExitFailure);
    void printJson(const QJsonObject &object);

private:
    QTextStream m_out;
    QTextStream m_err;
};

} // namespace ktx
