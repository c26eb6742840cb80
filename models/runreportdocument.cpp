#include "models/runreportdocument.h"

#include "ingest/ingestrun.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QUrlQuery>

namespace ktx {

namespace {

const QString Scheme = QStringLiteral("ktx");

QString tr(const char *text)
{
    return QCoreApplication::translate("RunReportDocument", text);
}

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QUrl makeUrl(const QString &what, const QList<QPair<QString, QString>> &items)
{
    QUrl url;
    url.setScheme(Scheme);
    url.setPath(what);
    QUrlQuery query;
    for (const auto &[key, value] : items)
        query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    if (!items.isEmpty())
        url.setQuery(query);
    return url;
}

QString anchor(const QUrl &url, const QString &text)
{
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(esc(url.toString(QUrl::FullyEncoded)), text);
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

// "models/staging/schema.yml:12" (the line and column when known).
QString location(const QJsonObject &o)
{
    QString where = o.value(QLatin1String("path")).toString();
    if (where.isEmpty())
        return {};
    if (const int line = o.value(QLatin1String("line")).toInt(); line > 0) {
        where += QLatin1Char(':') + QString::number(line);
        if (const int column = o.value(QLatin1String("column")).toInt(); column > 0)
            where += QLatin1Char(':') + QString::number(column);
    }
    return where;
}

QString row(const QString &label, const QString &value)
{
    return QStringLiteral("<tr><td style=\"padding-right:16px\">%1</td><td>%2</td></tr>")
        .arg(label, value);
}

} // namespace

QUrl RunReportDocument::reviewUrl(const QString &runId)
{
    return makeUrl(QStringLiteral("review"), {{QStringLiteral("run"), runId}});
}

QUrl RunReportDocument::sourceUrl(const QString &connectionId, const QString &sourceName)
{
    return makeUrl(
        QStringLiteral("source"),
        {{QStringLiteral("connection"), connectionId}, {QStringLiteral("name"), sourceName}});
}

QUrl RunReportDocument::wikiUrl(const QString &pageKey)
{
    return makeUrl(QStringLiteral("wiki"), {{QStringLiteral("key"), pageKey}});
}

QUrl RunReportDocument::toggleFilesUrl()
{
    return makeUrl(QStringLiteral("files"), {});
}

RunReportDocument::Link RunReportDocument::parseLink(const QUrl &url)
{
    Link link;
    if (url.scheme() != Scheme)
        return link;
    const QUrlQuery query(url);
    const auto value = [&query](const char *key) {
        return QUrl::fromPercentEncoding(
            query.queryItemValue(QLatin1String(key), QUrl::FullyEncoded).toLatin1());
    };
    const QString what = url.path();
    if (what == QLatin1String("review")) {
        link.kind = Link::Kind::OpenInReview;
        link.runId = value("run");
    } else if (what == QLatin1String("source")) {
        link.kind = Link::Kind::SemanticSource;
        link.connectionId = value("connection");
        link.name = value("name");
    } else if (what == QLatin1String("wiki")) {
        link.kind = Link::Kind::WikiPage;
        link.name = value("key");
    } else if (what == QLatin1String("files")) {
        link.kind = Link::Kind::ToggleFiles;
    }
    return link;
}

void RunReportDocument::setData(const RunReportData &data)
{
    // Another run starts folded; the same run read again keeps the reader's choice.
    if (data.runId != m_data.runId)
        m_filesExpanded = false;
    m_data = data;
}

void RunReportDocument::clear()
{
    m_data = {};
    m_filesExpanded = false;
}

void RunReportDocument::setColors(const QString &error, const QString &muted)
{
    m_errorColor = error;
    m_mutedColor = muted;
}

QString RunReportDocument::toHtml() const
{
    if (m_data.runId.isEmpty())
        return {};
    if (!m_data.error.isEmpty())
        return QStringLiteral("<p style=\"color:%1\">%2</p>")
            .arg(m_errorColor, esc(tr("The run store could not be read: %1").arg(m_data.error)));
    if (!m_data.record)
        return QStringLiteral("<p>%1</p>")
            .arg(esc(tr("Run %1 is not in the run store.").arg(m_data.runId)));
    // Where the changes are (Open in Review) comes first: it is what to do next.
    QString html = runSection() + changesSection();
    if (m_data.report) {
        html += reportSection(*m_data.report);
        const QJsonValue source = m_data.report->value(QLatin1String("contextSource"));
        if (source.isObject())
            html += contextSourceSection(source.toObject());
    }
    if (m_data.captured)
        html += capturedSection(*m_data.captured);
    return html;
}

QString RunReportDocument::runSection() const
{
    const IngestRunRecord &r = *m_data.record;
    QString html = QStringLiteral("<h3>%1</h3>").arg(esc(tr("Run %1").arg(r.runId)));
    html += QStringLiteral("<p>%1</p>")
                .arg(tr("Status: <b>%1</b>, source %2 (%3), sync %4")
                         .arg(esc(r.status), esc(r.connectionId), esc(r.sourceKey), esc(r.syncId)));
    if (!r.failureMessage.isEmpty())
        html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                    .arg(m_errorColor,
                         esc(tr("Failed in %1: %2").arg(r.failurePhase, r.failureMessage)));
    return html;
}

QString RunReportDocument::reportSection(const QJsonObject &r) const
{
    const QJsonObject diff = r.contains(QLatin1String("diffSummary"))
        ? r.value(QLatin1String("diffSummary")).toObject()
        : m_data.record->diff;
    QString html
        = QStringLiteral("<p>%1</p>")
              .arg(esc(tr("Raw evidence: +%1 added, ~%2 modified, -%3 deleted, =%4 unchanged")
                           .arg(diff.value(QLatin1String("added")).toInt())
                           .arg(diff.value(QLatin1String("modified")).toInt())
                           .arg(diff.value(QLatin1String("deleted")).toInt())
                           .arg(diff.value(QLatin1String("unchanged")).toInt())));
    // A deterministic context-source run has no work units; its model calls (none) still count.
    if (r.contains(QLatin1String("workUnits")) || r.contains(QLatin1String("modelCalls")))
        html += QStringLiteral("<p>%1</p>")
                    .arg(esc(tr("%1 work units, %2 failed; %3 model calls, %4 from the cache")
                                 .arg(r.value(QLatin1String("workUnits")).toArray().size())
                                 .arg(r.value(QLatin1String("failedWorkUnits")).toArray().size())
                                 .arg(r.value(QLatin1String("modelCalls")).toInt())
                                 .arg(r.value(QLatin1String("cacheHits")).toInt())));
    if (const QString skipped = r.value(QLatin1String("unitsSkipped")).toString();
        !skipped.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(esc(tr("Work units did not run: %1").arg(skipped)));
    // Every other non-empty list of the report, by name and size.
    QStringList other;
    for (auto it = r.begin(); it != r.end(); ++it)
        if (it->isArray() && !it->toArray().isEmpty() && it.key() != QLatin1String("workUnits")
            && it.key() != QLatin1String("failedWorkUnits"))
            other << QStringLiteral("%1: %2").arg(esc(it.key())).arg(it->toArray().size());
    if (!other.isEmpty())
        html += QStringLiteral("<p>") + other.join(QStringLiteral("<br>")) + QStringLiteral("</p>");
    return html;
}

QString RunReportDocument::contextSourceSection(const QJsonObject &s) const
{
    const QString driver = s.value(QLatin1String("driver")).toString();
    QString where = s.value(QLatin1String("location")).toString();
    if (where.isEmpty())
        where = s.value(QLatin1String("source")).toString();
    QString warehouse = s.value(QLatin1String("warehouseConnectionId")).toString();
    if (warehouse.isEmpty())
        warehouse = m_data.record->connectionId;

    QString html = QStringLiteral("<h4>%1</h4>").arg(esc(tr("What the source contributed")));
    QString origin = tr("Driver <b>%1</b>").arg(esc(driver.isEmpty() ? tr("unknown") : driver));
    if (!where.isEmpty())
        origin += QStringLiteral(" · ") + tr("from <code>%1</code>").arg(esc(where));
    if (!warehouse.isEmpty())
        origin += QStringLiteral(" · ") + tr("onto warehouse <b>%1</b>").arg(esc(warehouse));
    html += QStringLiteral("<p>%1</p>").arg(origin);

    // What was read.
    const QStringList files = strings(s.value(QLatin1String("filesRead")));
    QString rows;
    QString filesCell = QString::number(files.size());
    if (!files.isEmpty())
        filesCell += QStringLiteral(" (%1)").arg(
            anchor(toggleFilesUrl(),
                   m_filesExpanded ? esc(tr("hide the list")) : esc(tr("show the list"))));
    rows += row(esc(tr("Files read")), filesCell);
    const QString modelsLabel = driver == QLatin1String("metricflow") ? tr("Semantic models")
        : driver == QLatin1String("lookml")                           ? tr("LookML models")
                                                                      : tr("Models");
    const struct
    {
        const char *key;
        QString label;
        bool always;
    } counts[] = {
        {"models", modelsLabel, true},
        {"sourceTables", tr("Source tables"), driver == QLatin1String("dbt")},
        {"metrics", tr("Metrics"), driver == QLatin1String("metricflow")},
        {"views", tr("Views"), driver == QLatin1String("lookml")},
        {"explores", tr("Explores"), driver == QLatin1String("lookml")},
    };
    for (const auto &c : counts) {
        const int n = s.value(QLatin1String(c.key)).toInt();
        if (n > 0 || c.always)
            rows += row(esc(c.label), QString::number(n));
    }

    // What it produced.
    const QStringList sources = strings(s.value(QLatin1String("sources")));
    QStringList sourceLinks;
    for (const QString &name : sources)
        sourceLinks << anchor(sourceUrl(warehouse, name), esc(name));
    rows += row(esc(tr("Semantic sources written")),
                sources.isEmpty() ? QStringLiteral("0")
                                  : QStringLiteral("%1: %2")
                                        .arg(sources.size())
                                        .arg(sourceLinks.join(QStringLiteral(", "))));
    rows += row(esc(tr("Measures")), QString::number(s.value(QLatin1String("measures")).toInt()));
    rows += row(esc(tr("Joins")), QString::number(s.value(QLatin1String("joins")).toInt()));
    const QStringList pages = strings(s.value(QLatin1String("wikiPages")));
    QStringList pageLinks;
    for (const QString &key : pages)
        pageLinks << anchor(wikiUrl(key), esc(key));
    rows += row(
        esc(tr("Wiki pages written")),
        pages.isEmpty()
            ? QStringLiteral("0")
            : QStringLiteral("%1: %2").arg(pages.size()).arg(pageLinks.join(QStringLiteral(", "))));
    html += QStringLiteral("<table cellspacing=\"2\">%1</table>").arg(rows);

    if (m_filesExpanded && !files.isEmpty()) {
        html += QStringLiteral("<p><b>%1</b></p><ul>").arg(esc(tr("Files read")));
        for (const QString &f : files)
            html += QStringLiteral("<li><code>%1</code></li>").arg(esc(f));
        html += QStringLiteral("</ul>");
    }

    const QJsonArray skipped = s.value(QLatin1String("skipped")).toArray();
    if (!skipped.isEmpty()) {
        html += QStringLiteral("<p><b>%1</b></p><ul>")
                    .arg(esc(tr("Skipped (%1)").arg(skipped.size())));
        for (const QJsonValue &v : skipped) {
            const QJsonObject o = v.toObject();
            QString item = QStringLiteral("<b>%1</b> — %2")
                               .arg(esc(o.value(QLatin1String("item")).toString()),
                                    esc(o.value(QLatin1String("reason")).toString()));
            if (const QString at = location(o); !at.isEmpty())
                item += QStringLiteral(" <span style=\"color:%1\">(<code>%2</code>)</span>")
                            .arg(m_mutedColor, esc(at));
            html += QStringLiteral("<li>%1</li>").arg(item);
        }
        html += QStringLiteral("</ul>");
    }
    const QJsonArray errors = s.value(QLatin1String("errors")).toArray();
    if (!errors.isEmpty()) {
        html += QStringLiteral("<p style=\"color:%1\"><b>%2</b></p><ul>")
                    .arg(m_errorColor,
                         esc(tr("Errors in %1 file(s); the rest of the source was still read")
                                 .arg(errors.size())));
        for (const QJsonValue &v : errors) {
            const QJsonObject o = v.toObject();
            html += QStringLiteral("<li><code>%1</code>: <span style=\"color:%2\">%3</span></li>")
                        .arg(esc(location(o)), m_errorColor,
                             esc(o.value(QLatin1String("message")).toString()));
        }
        html += QStringLiteral("</ul>");
    }
    return html;
}

QString RunReportDocument::capturedSection(const TextMemoryStatus &c) const
{
    QString html = QStringLiteral("<h4>%1</h4>").arg(esc(tr("What the note captured")));
    if (c.status == QLatin1String("running"))
        return html + QStringLiteral("<p>%1</p>").arg(esc(tr("The note is still being read.")));
    if (!c.error.isEmpty())
        html += QStringLiteral("<p style=\"color:%1\">%2</p>").arg(m_errorColor, esc(c.error));
    if (!c.signalDetected) {
        html += QStringLiteral("<p>%1</p>")
                    .arg(esc(tr("Nothing in the note was worth keeping: no wiki page or "
                                "semantic source was written.")));
        return html;
    }
    QString rows;
    QStringList pageLinks;
    for (const QString &key : c.wiki)
        pageLinks << anchor(wikiUrl(key), esc(key));
    rows += row(esc(tr("Wiki pages")),
                c.wiki.isEmpty() ? QStringLiteral("0")
                                 : QStringLiteral("%1: %2")
                                       .arg(c.wiki.size())
                                       .arg(pageLinks.join(QStringLiteral(", "))));
    QStringList sourceLinks;
    for (const QString &artifact : c.sl) {
        // "connectionId:source"
        const qsizetype colon = artifact.indexOf(QLatin1Char(':'));
        const QString connection = colon > 0 ? artifact.left(colon) : m_data.record->connectionId;
        const QString name = colon > 0 ? artifact.mid(colon + 1) : artifact;
        sourceLinks << anchor(sourceUrl(connection, name), esc(artifact));
    }
    rows += row(esc(tr("Semantic sources")),
                c.sl.isEmpty() ? QStringLiteral("0")
                               : QStringLiteral("%1: %2")
                                     .arg(c.sl.size())
                                     .arg(sourceLinks.join(QStringLiteral(", "))));
    if (!c.xrefs.isEmpty()) {
        QStringList refs;
        for (const QString &x : c.xrefs)
            refs << esc(x);
        rows += row(esc(tr("Cross references")), refs.join(QStringLiteral("<br>")));
    }
    html += QStringLiteral("<table cellspacing=\"2\">%1</table>").arg(rows);
    return html;
}

QString RunReportDocument::changesSection() const
{
    const IngestRunRecord &r = *m_data.record;
    if (r.commitId.isEmpty())
        return r.finishedAtMs ? QStringLiteral("<p>%1</p>")
                                    .arg(esc(tr("No file changed: there is no diff to review.")))
                              : QString();
    const QString branch = r.runBranch.isEmpty() ? IngestRun::runBranch(r.runId) : r.runBranch;
    QString html;
    if (r.status == QLatin1String("pending_review"))
        html += QStringLiteral("<p>%1 — %2</p>")
                    .arg(anchor(reviewUrl(r.runId), esc(tr("Open in Review"))),
                         tr("its changes wait for your decision (branch <code>%1</code>).")
                             .arg(esc(branch)));
    else
        html += QStringLiteral("<p>%1<br><code>git diff %2 %3</code></p>")
                    .arg(tr("Diff: branch <code>%1</code>").arg(esc(branch)),
                         esc(r.baseCommit.left(12)), esc(r.commitId.left(12)));
    if (!r.landedCommit.isEmpty())
        html += QStringLiteral("<p>%1</p>")
                    .arg(tr("Landed on your branch as <code>%1</code>.")
                             .arg(esc(r.landedCommit.left(12))));
    return html;
}

} // namespace ktx
