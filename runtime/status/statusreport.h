#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

enum class ReadinessState { Ok, Warn, Fail, Skipped };
enum class Verdict { Ready, Partial, Blocked };

QString readinessStateName(ReadinessState state); // "ok" | "warn" | "fail" | "skipped"
QString verdictName(Verdict verdict); // "ready" | "partial" | "blocked"
// The state a verdict is shown with: ready is ok, partial warn, blocked fail.
ReadinessState verdictState(Verdict verdict);

// One line of the readiness summary ("LLM ready", "Databases configured", ...).
struct ReadinessLine
{
    QString
        id; // stable: project_dir, project, llm, embeddings, databases, sources, context, agents
    QString label; // as the original prints it: "LLM ready"
    ReadinessState state = ReadinessState::Ok;
    QString value; // short answer: "yes (warehouse)", "no", a path
    QString detail; // one sentence on why
    QString remediation; // what to do next; empty when nothing is needed
    QString setupStep; // wizard step that fixes it (project, llm, embeddings, databases, sources,
                       // context, agents); empty when none
};

struct ConnectionStatus
{
    QString name;
    QString driver;
    ReadinessState state = ReadinessState::Ok;
    QString detail;
    QString fix;
};

struct StatusIssue
{
    QString severity; // "error" | "warning"
    QString path; // dotted config path
    QString message;
    QString fix;
    int line = 0;
    int column = 0;
};

struct StatusWarning
{
    QString message;
    QString fix;
};

struct LocalStats
{
    int completedRuns = 0;
    struct Scope
    {
        QString scope; // GLOBAL or USER:<id>
        int count = 0;
    };
    QList<Scope> wikiPages;
    struct Layer
    {
        QString connectionId;
        int sourceCount = 0;
    };
    QList<Layer> semanticLayer;
    qint64 rawSourceFiles = 0;
    qint64 rawSourceBytes = 0;

    int totalSemanticSources() const;
    int totalWikiPages() const;
};

// Everything `ktx status` and the dashboard show. Computed from local state only
// (files under the project), never from the network, so it is fast and safe to
// compute on any worker thread.
struct StatusReport
{
    bool projectFound = false; // false: no ktx.yaml in projectDir
    QString projectDir;
    QString projectName;
    QString configPath;
    QByteArray configText; // ktx.yaml as read, for views that show it

    QList<ReadinessLine> lines;
    QList<ConnectionStatus> connections;
    QList<StatusIssue> configIssues;
    QList<StatusWarning> warnings;
    LocalStats localStats;

    QString llmBackend;
    QString llmModel;
    QString embeddingsBackend;
    QString embeddingsModel;
    int embeddingsDimensions = 0;
    QString reviewMode;

    Verdict verdict = Verdict::Blocked;
    QString verdictReason;
    QStringList nextActions;
    qint64 elapsedMs = 0;

    bool hasConfigErrors() const;
    QJsonObject toJson() const;
    QString toText() const;
};

} // namespace ktx
