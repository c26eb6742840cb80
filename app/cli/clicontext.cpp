#include "clicontext.h"

#include "core/secretredactor.h"

#include <QJsonDocument>

namespace ktx {

CliContext::CliContext()
    : m_out(stdout)
    , m_err(stderr)
{
    m_out.setEncoding(QStringConverter::Utf8);
    m_err.setEncoding(QStringConverter::Utf8);
}

std::optional<int> CliContext::parse(QCommandLineParser &parser, const QString &command,
                                     const QStringList &args)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption projectDir(QStringLiteral("project-dir"),
                                        QStringLiteral("Project directory."),
                                        QStringLiteral("path"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption noInputOption(QStringLiteral("no-input"),
                                           QStringLiteral("Never prompt."));
    const QCommandLineOption debugOption(QStringLiteral("debug"),
                                         QStringLiteral("Diagnostics on stderr."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOptions({projectDir, jsonOption, noInputOption, debugOption, help});
    if (!parser.parse(QStringList {QStringLiteral("ktx ") + command} + args)) {
        m_err << "ktx " << command << ": " << parser.errorText() << "\n"
              << "Run `ktx " << command << " --help` for usage.\n";
        m_err.flush();
        return ExitUsage;
    }
    if (parser.isSet(help)) {
        m_out << parser.helpText();
        m_out.flush();
        return ExitOk;
    }
    if (parser.isSet(projectDir))
        projectDirFlag = parser.value(projectDir);
    json = json || parser.isSet(jsonOption);
    noInput = noInput || parser.isSet(noInputOption);
    debug = debug || parser.isSet(debugOption);
    return std::nullopt;
}

int CliContext::fail(const QString &code, const QString &message, const QString &hint, int exitCode)
{
    const QString cleanMessage = SecretRedactor::redact(message);
    const QString cleanHint = SecretRedactor::redact(hint);
    if (json) {
        QJsonObject error {{QStringLiteral("error"), code},
                           {QStringLiteral("message"), cleanMessage}};
        if (!cleanHint.isEmpty())
            error.insert(QStringLiteral("hint"), cleanHint);
        printJson(error);
    } else {
        m_err << "Error: " << cleanMessage << "\n";
        if (!cleanHint.isEmpty())
            m_err << cleanHint << "\n";
        m_err.flush();
    }
    return exitCode;
}

void CliContext::printJson(const QJsonObject &object)
{
    m_out << QJsonDocument(object).toJson(QJsonDocument::Indented);
    m_out.flush();
}

} // namespace ktx
