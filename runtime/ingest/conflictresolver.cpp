#include "ingest/conflictresolver.h"

#include "ingest/wikipagetext.h"
#include "semantic/sourceloader.h"

#include <QJsonArray>

namespace ktx {

namespace {

QString shown(const std::optional<QByteArray> &version)
{
    return version ? QString::fromUtf8(*version) : QStringLiteral("(the file does not exist)");
}

} // namespace

ConflictResolver::ConflictResolver(IntegrationConflict conflict)
    : m_conflict(std::move(conflict))
{ }

QString ConflictResolver::check(const QString &path, const QByteArray &bytes)
{
    if (path.startsWith(QLatin1String("semantic-layer/"))
        && (path.endsWith(QLatin1String(".yaml")) || path.endsWith(QLatin1String(".yml")))) {
        const SourceLoader::Loaded loaded = SourceLoader::fromYaml(bytes, path);
        if (loaded.source)
            return {};
        QStringList problems;
        for (const SourceIssue &issue : loaded.issues)
            problems << issue.message;
        return problems.isEmpty() ? QStringLiteral("the source does not load")
                                  : problems.join(QStringLiteral("; "));
    }
    if (path.startsWith(QLatin1String("wiki/")) && path.endsWith(QLatin1String(".md"))) {
        const auto page = WikiPageText::parse(bytes);
        return page.ok() ? QString() : page.error().message;
    }
    return {};
}

ToolSet ConflictResolver::toolSet()
{
    ToolSet tools;
    {
        AgentTool t;
        t.name = QStringLiteral("read_conflict");
        t.description = QStringLiteral(
            "The three versions of the conflicted file: base (before this run), ours (what "
            "earlier work units made of it) and theirs (this work unit's version).");
        t.inputSchema = {{QStringLiteral("type"), QStringLiteral("object")},
                         {QStringLiteral("properties"), QJsonObject {}}};
        t.execute = [this](const QJsonObject &, const CancellationToken &) {
            return ToolOutput::success(
                QStringLiteral("path: %1\n\n=== base ===\n%2\n=== ours ===\n%3\n=== theirs ===\n%4")
                    .arg(m_conflict.path, shown(m_conflict.base), shown(m_conflict.ours),
                         shown(m_conflict.theirs)));
        };
        tools.add(t);
    }
    {
        AgentTool t;
        t.name = QStringLiteral("write_resolved_file");
        t.description = QStringLiteral(
            "Write the merged file: every fact of ours and theirs that still holds, once. The "
            "content must be the whole file; it is checked before it is accepted.");
        t.inputSchema
            = {{QStringLiteral("type"), QStringLiteral("object")},
               {QStringLiteral("properties"),
                QJsonObject {{QStringLiteral("content"),
                              QJsonObject {{QStringLiteral("type"), QStringLiteral("string")}}}}},
               {QStringLiteral("required"), QJsonArray {QStringLiteral("content")}}};
        t.annotations.readOnly = false;
        t.execute = [this](const QJsonObject &args, const CancellationToken &) {
            const QByteArray content = args.value(QStringLiteral("content")).toString().toUtf8();
            if (const QString problem = check(m_conflict.path, content); !problem.isEmpty())
                return ToolOutput::failure(
                    QStringLiteral("Not accepted: %1. Fix it and write the whole file again.")
                        .arg(problem));
            QMutexLocker lock(&m_mutex);
            m_merged = content;
            m_verdict = Verdict::Resolved;
            return ToolOutput::success(QStringLiteral("Accepted."));
        };
        tools.add(t);
    }
    {
        AgentTool t;
        t.name = QStringLiteral("declare_patch_redundant");
        t.description = QStringLiteral(
            "Say that ours already holds everything theirs adds; ours is kept as it is.");
        t.inputSchema
            = {{QStringLiteral("type"), QStringLiteral("object")},
               {QStringLiteral("properties"),
                QJsonObject {{QStringLiteral("reason"),
                              QJsonObject {{QStringLiteral("type"), QStringLiteral("string")}}}}},
               {QStringLiteral("required"), QJsonArray {QStringLiteral("reason")}}};
        t.annotations.readOnly = false;
        t.execute = [this](const QJsonObject &, const CancellationToken &) {
            QMutexLocker lock(&m_mutex);
            m_verdict = Verdict::Redundant;
            return ToolOutput::success(QStringLiteral("Recorded; ours is kept."));
        };
        tools.add(t);
    }
    return tools;
}

QString ConflictResolver::systemPrompt() const
{
    return QStringLiteral(
        "You resolve a textual conflict between two work units of a ktx ingest run that changed "
        "the same file. Read the three versions with read_conflict. Then either write the "
        "merged file with write_resolved_file (keep every fact from both that is still true, "
        "once, in the file's own format: a semantic-layer source YAML or a wiki page with "
        "front-matter), or call declare_patch_redundant when ours already says everything "
        "theirs adds. Do not invent facts that neither version states.");
}

QString ConflictResolver::userPrompt(const QString &previousProblem) const
{
    QString prompt
        = QStringLiteral("Conflicted file: %1\nWork unit whose change did not apply: %2\n")
              .arg(m_conflict.path, m_conflict.unitKey);
    if (!previousProblem.isEmpty())
        prompt
            += QStringLiteral("\nA previous attempt did not resolve it: %1\n").arg(previousProblem);
    return prompt;
}

ConflictResolver::Verdict ConflictResolver::verdict() const
{
    QMutexLocker lock(&m_mutex);
    return m_verdict;
}

std::optional<QByteArray> ConflictResolver::merged() const
{
    QMutexLocker lock(&m_mutex);
    return m_merged;
}

} // namespace ktx
