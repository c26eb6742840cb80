#include "status/statusreport.h"

#include <QDir>
#include <QJsonArray>

namespace ktx {

QString readinessStateName(ReadinessState state)
{
    switch (state) {
    case ReadinessState::Ok:
        return QStringLiteral("ok");
    case ReadinessState::Warn:
        return QStringLiteral("warn");
    case ReadinessState::Fail:
        return QStringLiteral("fail");
    case ReadinessState::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ready:
        return QStringLiteral("ready");
    case Verdict::Partial:
        return QStringLiteral("partial");
    case Verdict::Blocked:
        return QStringLiteral("blocked");
    }
    return {};
}

ReadinessState verdictState(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ready:
        return ReadinessState::Ok;
    case Verdict::Partial:
        return ReadinessState::Warn;
    case Verdict::Blocked:
        break;
    }
    return ReadinessState::Fail;
}

int LocalStats::totalSemanticSources() const
{
    int total = 0;
    for (const Layer &layer : semanticLayer)
        total += layer.sourceCount;
    return total;
}

int LocalStats::totalWikiPages() const
{
    int total = 0;
    for (const Scope &scope : wikiPages)
        total += scope.count;
    return total;
}

bool StatusReport::hasConfigErrors() const
{
    return std::any_of(configIssues.cbegin(), configIssues.cend(),
                       [](const StatusIssue &i) { return i.severity == QLatin1String("error"); });
}

namespace {

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QString symbol(ReadinessState state)
{
    switch (state) {
    case ReadinessState::Ok:
        return QStringLiteral("✓");
    case ReadinessState::Warn:
        return QStringLiteral("⚠");
    case ReadinessState::Fail:
        return QStringLiteral("✗");
    case ReadinessState::Skipped:
        return QStringLiteral("-");
    }
    return {};
}

QString tildePath(const QString &path)
{
    const QString home = QDir::homePath();
    if (!home.isEmpty() && home != QLatin1String("/")
        && (path == home || path.startsWith(home + QLatin1Char('/'))))
        return QLatin1Char('~') + path.mid(home.size());
    return path;
}

} // namespace

QJsonObject StatusReport::toJson() const
{
    if (!projectFound)
        return QJsonObject {
            {QStringLiteral("error"), QStringLiteral("missing_project")},
            {QStringLiteral("projectDir"), projectDir},
            {QStringLiteral("message"), QStringLiteral("No ktx.yaml found in %1").arg(projectDir)}};

    QJsonArray linesJson;
    for (const ReadinessLine &line : lines)
        linesJson.append(QJsonObject {{QStringLiteral("id"), line.id},
                                      {QStringLiteral("label"), line.label},
                                      {QStringLiteral("status"), readinessStateName(line.state)},
                                      {QStringLiteral("value"), line.value},
                                      {QStringLiteral("detail"), line.detail},
                                      {QStringLiteral("remediation"), orNull(line.remediation)},
                                      {QStringLiteral("setupStep"), orNull(line.setupStep)}});
    QJsonArray issuesJson;
    int errors = 0;
    for (const StatusIssue &issue : configIssues) {
        errors += issue.severity == QLatin1String("error");
        issuesJson.append(QJsonObject {{QStringLiteral("path"), issue.path},
                                       {QStringLiteral("message"), issue.message},
                                       {QStringLiteral("fix"), issue.fix},
                                       {QStringLiteral("severity"), issue.severity},
                                       {QStringLiteral("line"), issue.line},
                                       {QStringLiteral("column"), issue.column}});
    }
    const QString configStatus = errors
        ? QStringLiteral("fail")
        : (configIssues.isEmpty() ? QStringLiteral("ok") : QStringLiteral("warn"));
    const QString configDetail = errors
        ? QStringLiteral("ktx.yaml has %1 schema issue(s)").arg(errors)
        : configIssues.isEmpty()
        ? QStringLiteral("ktx.yaml schema valid")
        : QStringLiteral("ktx.yaml schema valid · %1 ignored field(s)").arg(configIssues.size());

    QJsonArray connectionsJson;
    for (const ConnectionStatus &c : connections)
        connectionsJson.append(QJsonObject {{QStringLiteral("name"), c.name},
                                            {QStringLiteral("driver"), c.driver},
                                            {QStringLiteral("status"), readinessStateName(c.state)},
                                            {QStringLiteral("detail"), c.detail},
                                            {QStringLiteral("fix"), orNull(c.fix)}});
    QJsonArray warningsJson;
    for (const StatusWarning &w : warnings)
        warningsJson.append(QJsonObject {{QStringLiteral("message"), w.message},
                                         {QStringLiteral("fix"), orNull(w.fix)}});

    const auto lineState = [this](const QString &id) {
        for (const ReadinessLine &line : lines)
            if (line.id == id)
                return line;
        return ReadinessLine {};
    };
    const ReadinessLine llm = lineState(QStringLiteral("llm"));
    const ReadinessLine emb = lineState(QStringLiteral("embeddings"));

    QJsonArray wikiJson;
    for (const LocalStats::Scope &s : localStats.wikiPages)
        wikiJson.append(QJsonObject {{QStringLiteral("scope"), s.scope},
                                     {QStringLiteral("count"), s.count},
                                     {QStringLiteral("embeddedCount"), 0}});
    QJsonArray layerJson;
    for (const LocalStats::Layer &l : localStats.semanticLayer)
        layerJson.append(QJsonObject {{QStringLiteral("connectionId"), l.connectionId},
                                      {QStringLiteral("sourceCount"), l.sourceCount},
                                      {QStringLiteral("embeddedSourceCount"), 0},
                                      {QStringLiteral("dictionaryValueCount"), 0}});

    return QJsonObject {
        {QStringLiteral("projectName"), projectName},
        {QStringLiteral("projectDir"), projectDir},
        {QStringLiteral("config"),
         QJsonObject {{QStringLiteral("status"), configStatus},
                      {QStringLiteral("detail"), configDetail},
                      {QStringLiteral("issues"), issuesJson}}},
        {QStringLiteral("llm"),
         QJsonObject {{QStringLiteral("backend"), llmBackend},
                      {QStringLiteral("model"), orNull(llmModel)},
                      {QStringLiteral("status"), readinessStateName(llm.state)},
                      {QStringLiteral("detail"), llm.detail},
                      {QStringLiteral("fix"), orNull(llm.remediation)}}},
        {QStringLiteral("embeddings"),
         QJsonObject {{QStringLiteral("backend"), embeddingsBackend},
                      {QStringLiteral("model"), orNull(embeddingsModel)},
                      {QStringLiteral("dimensions"), embeddingsDimensions},
                      {QStringLiteral("status"), readinessStateName(emb.state)},
                      {QStringLiteral("detail"), emb.detail}}},
        {QStringLiteral("connections"), connectionsJson},
        {QStringLiteral("warnings"), warningsJson},
        {QStringLiteral("review"), QJsonObject {{QStringLiteral("mode"), orNull(reviewMode)}}},
        {QStringLiteral("localStats"),
         QJsonObject {
             {QStringLiteral("ingest"),
              QJsonObject {{QStringLiteral("totalCompletedRuns"), localStats.completedRuns},
                           {QStringLiteral("perConnection"), QJsonArray()}}},
             {QStringLiteral("wikiPages"), wikiJson},
             {QStringLiteral("semanticLayer"), layerJson},
             {QStringLiteral("projectDir"),
              QJsonObject {{QStringLiteral("rawSources"),
                            QJsonObject {{QStringLiteral("fileCount"), localStats.rawSourceFiles},
                                         {QStringLiteral("bytes"), localStats.rawSourceBytes}}}}}}},
        {QStringLiteral("lines"), linesJson},
        {QStringLiteral("verdict"), verdictName(verdict)},
        {QStringLiteral("verdictReason"), verdictReason},
        {QStringLiteral("nextActions"), QJsonArray::fromStringList(nextActions)},
        {QStringLiteral("elapsedMs"), elapsedMs},
    };
}

QString StatusReport::toText() const
{
    QString out;
    if (!projectFound) {
        out += QStringLiteral("No ktx project here yet. (ktx.yaml not found in %1)\n")
                   .arg(projectDir);
        out += QStringLiteral("Run  ktx setup --project-dir %1 --no-input  to create one, or pass "
                              "--project-dir.\n")
                   .arg(projectDir);
        return out;
    }
    out += QStringLiteral("ktx status · %1 (%2)\n\n").arg(projectName, tildePath(projectDir));
    int width = 0;
    for (const ReadinessLine &line : lines)
        width = qMax(width, int(line.label.size()));
    for (const ReadinessLine &line : lines) {
        out += QStringLiteral("  %1 %2  %3")
                   .arg(symbol(line.state), line.label.leftJustified(width), line.value);
        if (!line.detail.isEmpty() && line.detail != line.value)
            out += QStringLiteral(" · ") + line.detail;
        out += QLatin1Char('\n');
        if (!line.remediation.isEmpty() && line.state != ReadinessState::Ok)
            out += QString(width + 6, QLatin1Char(' ')) + QStringLiteral("→ ") + line.remediation
                + QLatin1Char('\n');
    }
    if (!connections.isEmpty()) {
        out += QStringLiteral("\n  Connections (%1)\n").arg(connections.size());
        int nameWidth = 0, driverWidth = 0;
        for (const ConnectionStatus &c : connections) {
            nameWidth = qMax(nameWidth, int(c.name.size()));
            driverWidth = qMax(driverWidth, int(c.driver.size()));
        }
        for (const ConnectionStatus &c : connections) {
            out += QStringLiteral("    %1 %2  %3  %4\n")
                       .arg(symbol(c.state), c.name.leftJustified(nameWidth),
                            c.driver.leftJustified(driverWidth), c.detail);
            if (!c.fix.isEmpty() && c.state != ReadinessState::Ok)
                out += QString(nameWidth + driverWidth + 10, QLatin1Char(' '))
                    + QStringLiteral("→ ") + c.fix + QLatin1Char('\n');
        }
    }
    if (!configIssues.isEmpty()) {
        out += QStringLiteral("\n  Config\n");
        for (const StatusIssue &issue : configIssues) {
            out += QStringLiteral("    %1 ktx.yaml:%2:%3  %4\n")
                       .arg(issue.severity == QLatin1String("error") ? QStringLiteral("✗")
                                                                     : QStringLiteral("⚠"))
                       .arg(issue.line)
                       .arg(issue.column)
                       .arg(issue.message);
            if (!issue.fix.isEmpty())
                out += QStringLiteral("        → ") + issue.fix + QLatin1Char('\n');
        }
    }
    if (!warnings.isEmpty()) {
        out += QStringLiteral("\n  Warnings\n");
        for (const StatusWarning &w : warnings) {
            out += QStringLiteral("    ⚠ ") + w.message + QLatin1Char('\n');
            if (!w.fix.isEmpty())
                out += QStringLiteral("        → ") + w.fix + QLatin1Char('\n');
        }
    }
    const int wiki = localStats.totalWikiPages();
    const int sources = localStats.totalSemanticSources();
    out += QStringLiteral("\n  Local data    %1 semantic sources · %2 wiki pages · "
                          "raw-sources=%3 files\n")
               .arg(sources)
               .arg(wiki)
               .arg(localStats.rawSourceFiles);
    out += QStringLiteral("\n%1  Next: %2  (%3 ms)\n")
               .arg(verdictReason, nextActions.join(QStringLiteral("  ·  ")))
               .arg(elapsedMs);
    return out;
}

} // namespace ktx
