#include "summarypage.h"

#include "project/projectfolderstate.h"
#include "projectcreationtask.h"
#include "projectlocationpage.h"
#include "setupfield.h"
#include "stateicon.h"

#include <QAbstractButton>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>
#include <QWizard>

namespace ktx {

namespace {

constexpr int ErrorIconSize = 18;

QString bulletList(const QStringList &items)
{
    QString html = QStringLiteral("<ul style=\"margin-top:4px; margin-left:-22px;\">");
    for (const QString &item : items)
        html
            += QStringLiteral("<li style=\"margin-bottom:3px;\">") + item + QStringLiteral("</li>");
    return html + QStringLiteral("</ul>");
}

QString code(const QString &text)
{
    return QStringLiteral("<code>") + text.toHtmlEscaped() + QStringLiteral("</code>");
}

} // namespace

SummaryPage::SummaryPage(QWidget *parent)
    : QWizardPage(parent)
    , m_task(new ProjectCreationTask(this))
{
    setTitle(tr("Summary"));

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summaryText"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_progressRow = new QWidget(this);
    auto *progressLayout = new QVBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    m_progressLabel = new QLabel(m_progressRow);
    m_progressLabel->setWordWrap(true);
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(10);
    progressLayout->addWidget(m_progressLabel);
    progressLayout->addWidget(m_progress);
    m_progressRow->hide();

    m_errorRow = new QWidget(this);
    auto *errorLayout = new QHBoxLayout(m_errorRow);
    errorLayout->setContentsMargins(0, 0, 0, 0);
    errorLayout->setSpacing(10);
    m_errorIcon = new QLabel(m_errorRow);
    m_errorIcon->setFixedSize(ErrorIconSize, ErrorIconSize);
    m_error = new QLabel(m_errorRow);
    m_error->setObjectName(QStringLiteral("summaryError"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::RichText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorLayout->addWidget(m_errorIcon, 0, Qt::AlignTop);
    errorLayout->addWidget(m_error, 1);
    m_errorRow->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(14);
    layout->addWidget(m_summary);
    layout->addWidget(m_errorRow);
    layout->addWidget(m_progressRow);
    layout->addStretch(1);

    connect(m_task, &ProjectCreationTask::finished, this, &SummaryPage::onCreationFinished);
}

void SummaryPage::initializePage()
{
    m_done = false;
    m_resultDir.clear();
    showError({}, {});

    const auto mode = ProjectLocationPage::modeFromName(field(SetupField::ProjectMode).toString());
    const ProjectFolderState folder
        = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
    const QString where = code(QDir::toNativeSeparators(folder.path));
    QString name = field(SetupField::ProjectName).toString().trimmed();
    if (name.isEmpty())
        name = QFileInfo(folder.path).fileName();

    QString html;
    QString finishText;
    if (folder.hasConfig) {
        // Opening, or the project was already created by an earlier run of the wizard.
        setSubTitle(tr("Everything is in place. Finish opens the project."));
        html = tr("<p><b>Open the ktx project</b> in %1.</p>").arg(where)
            + tr("<p>The Status dashboard then shows what is ready and what to set up next. "
                 "ktx.yaml is re-read whenever it changes on disk.</p>");
        finishText = tr("&Open Project");
    } else if (mode == ProjectLocationPage::Mode::Demo) {
        setSubTitle(tr("Review what ktx will do, then create the demo project."));
        html = tr("<p><b>Create the demo project</b> in %1:</p>").arg(where)
            + bulletList({
                tr("a sample SQLite warehouse (about 50,000 rows) and a %1 that connects to "
                   "it")
                    .arg(code(QStringLiteral("ktx.yaml"))),
                tr("example semantic sources and wiki pages to explore"),
                tr("a git repository with one initial commit"),
            });
        finishText = tr("&Create Demo Project");
    } else {
        setSubTitle(tr("Review what ktx will do, then create the project."));
        html = tr("<p><b>Create the project “%1”</b> in %2:</p>").arg(name.toHtmlEscaped(), where)
            + bulletList({
                tr("%1 with commented defaults").arg(code(QStringLiteral("ktx.yaml"))),
                tr("%1, %2 and %3 for the context ktx builds")
                    .arg(code(QStringLiteral("semantic-layer/")), code(QStringLiteral("wiki/")),
                         code(QStringLiteral("raw-sources/"))),
                tr("%1 for local state, ignored by git").arg(code(QStringLiteral(".ktx/"))),
                tr("a git repository with one initial commit"),
            })
            + tr("<p>Nothing is written until you press Create. LLM, databases and context "
                 "sources are configured afterwards.</p>");
        finishText = tr("&Create Project");
    }
    m_summary->setText(html);
    setButtonText(QWizard::FinishButton, finishText);
}

bool SummaryPage::validatePage()
{
    if (m_done)
        return true;
    if (isBusy())
        return false;

    const auto mode = ProjectLocationPage::modeFromName(field(SetupField::ProjectMode).toString());
    const ProjectFolderState folder
        = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
    if (folder.hasConfig) {
        m_resultDir = folder.path;
        m_done = true;
        return true;
    }
    if (mode == ProjectLocationPage::Mode::Open) {
        showError(tr("Could not open the project."),
                  tr("There is no ktx.yaml in %1 any more. Go back and choose the project folder.")
                      .arg(QDir::toNativeSeparators(folder.path)));
        return false;
    }

    ProjectCreationTask::Request request;
    request.dir = folder.path;
    if (mode == ProjectLocationPage::Mode::Demo) {
        request.kind = ProjectCreationTask::Request::Kind::Demo;
        m_progressLabel->setText(tr("Creating the demo project and generating its sample "
                                    "warehouse. This can take a minute…"));
    } else {
        request.name = field(SetupField::ProjectName).toString().trimmed();
        request.allowNonEmpty = field(SetupField::AllowNonEmpty).toBool();
        m_progressLabel->setText(tr("Creating the project…"));
    }
    showError({}, {});
    if (m_task->start(request))
        setBusy(true);
    // The wizard closes from onCreationFinished() once the project exists.
    return false;
}

bool SummaryPage::isComplete() const
{
    return !isBusy();
}

bool SummaryPage::isBusy() const
{
    return m_task->isRunning();
}

QString SummaryPage::errorText() const
{
    return m_errorText;
}

void SummaryPage::changeEvent(QEvent *event)
{
    QWizardPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        m_errorIcon->setPixmap(
            StateIcon::pixmap(ReadinessState::Fail, palette(), ErrorIconSize, devicePixelRatioF()));
}

void SummaryPage::onCreationFinished(const QString &dir, const QString &errorText)
{
    setBusy(false);
    if (!errorText.isEmpty()) {
        showError(tr("Could not create the project."), errorText);
        return;
    }
    m_resultDir = dir;
    m_done = true;
    if (wizard())
        wizard()->accept();
}

void SummaryPage::setBusy(bool busy)
{
    m_progressRow->setVisible(busy);
    Q_EMIT completeChanged();
    // After completeChanged(): QWizard re-enables Back when it updates its buttons.
    if (QWizard *w = wizard()) {
        if (QAbstractButton *back = w->button(QWizard::BackButton))
            back->setEnabled(!busy);
        if (QAbstractButton *cancel = w->button(QWizard::CancelButton))
            cancel->setEnabled(!busy);
    }
    Q_EMIT busyChanged(busy);
}

void SummaryPage::showError(const QString &heading, const QString &text)
{
    m_errorText = text;
    QString html;
    if (!text.isEmpty()) {
        html = QStringLiteral("<b>") + heading.toHtmlEscaped() + QStringLiteral("</b><br>")
            + text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    }
    m_error->setText(html);
    m_errorRow->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        m_errorIcon->setPixmap(
            StateIcon::pixmap(ReadinessState::Fail, palette(), ErrorIconSize, devicePixelRatioF()));
}

} // namespace ktx
