#include "serve/agentintegrationtexts.h"

#include <QFile>

namespace ktx {

namespace {

QByteArray body(AgentIntegrationTexts::Text text)
{
    using T = AgentIntegrationTexts::Text;
    const QString name = text == T::Analytics ? QStringLiteral("analytics.md")
        : text == T::Admin                    ? QStringLiteral("admin.md")
                                              : QStringLiteral("rule.md");
    QFile file(QStringLiteral(":/ktx/agents/") + name);
    // Compiled-in resources; failing to open one is a build defect, caught by the tests.
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Front matter values stay free of ": " so they read as plain YAML scalars.
QByteArray description(AgentIntegrationTexts::Text text)
{
    using T = AgentIntegrationTexts::Text;
    switch (text) {
    case T::Analytics:
        return "Answer data questions (metrics, tables, business definitions) for this project "
               "with the ktx MCP tools (discover_data, wiki_read, sl_read_source, sl_query, "
               "sql_execution, memory_ingest).";
    case T::Admin:
        return "Inspect and maintain the ktx project (status, semantic layer, wiki, read-only "
               "SQL, ingest, MCP server) with the ktx CLI.";
    case T::Rule:
        break;
    }
    return "How to use the ktx context layer of this project.";
}

QByteArray skillName(AgentIntegrationTexts::Text text)
{
    return text == AgentIntegrationTexts::Text::Analytics ? "ktx-analytics" : "ktx";
}

// A path inside backticks in Markdown; quoted for a shell when it has spaces.
QString shellWord(const QString &path)
{
    return path.contains(QLatin1Char(' ')) ? QLatin1Char('\'') + path + QLatin1Char('\'') : path;
}

} // namespace

QByteArray AgentIntegrationTexts::render(Text text, Format format, const Context &context)
{
    QByteArray content = body(text);
    content.replace("{{KTX}}", shellWord(context.ktxCommand).toUtf8());
    content.replace("{{PROJECT_DIR}}", shellWord(context.projectDir).toUtf8());
    content.replace("{{MCP_URL}}", context.url.toUtf8());

    QByteArray header;
    switch (format) {
    case Format::Skill:
        header
            = "---\nname: " + skillName(text) + "\ndescription: " + description(text) + "\n---\n\n";
        break;
    case Format::CursorRule:
        // Agent-requested: Cursor attaches it when the description matches the task.
        header = "---\ndescription: " + description(text) + "\nglobs:\nalwaysApply: false\n---\n\n";
        break;
    case Format::OpenCodeCommand:
        header = "---\ndescription: " + description(text) + "\n---\n\n";
        break;
    case Format::Markdown:
        break;
    }
    return header + content;
}

} // namespace ktx
