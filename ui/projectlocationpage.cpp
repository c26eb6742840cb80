#include "projectlocationpage.h"

#include "colorscheme.h"
#include "project/projectfolderstate.h"
#include "setupfield.h"
#include "setupwizard.h"
#include "stateicon.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace ktx {

namespace {
constexpr int MessageIconSize = 16;
}

QString ProjectLocationPage::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Open:
        return QStringLiteral("open");
    case Mode::Demo:
        return QStringLiteral("demo");
    case Mode::New:
        break;
    }
    return QStringLiteral("new");
}

ProjectLocationPage::Mode ProjectLocationPage::modeFromName(const QString &name)
{
    if (name == QLatin1String("open"))
        return Mode::Open;
    if (name == QLatin1String("demo"))
        return Mode::Demo;
    return Mode::New;
}

QString ProjectLocationPage::defaultDemoDir()
{
    return QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                           + QStringLiteral("/demo"));
}

ProjectLocationPage::ProjectLocationPage(QWidget *parent)
    : QWizardPage(parent)
    , m_choices(new QButtonGroup(this))
{
    setTitle(tr("Project"));
    setSubTitle(tr("A ktx project is a folder with ktx.yaml and its own git repository. "
                   "Everything ktx learns about your data is written there as files you can "
                   "review."));

    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(4);
    auto *choices = new QWidget(this);
    auto *choicesLayout = new QGridLayout(choices);
    choicesLayout->setContentsMargins(0, 0, 0, 0);
    choicesLayout->setVerticalSpacing(2);
    const struct
    {
        Mode mode;
        QString text;
        QString description;
    } entries[] = {
        {Mode::New, tr("Create a new project"),
         tr("Start from an empty folder; ktx sets up the files and the git repository.")},
        {Mode::Open, tr("Open an existing project"),
         tr("Use a folder that already contains ktx.yaml, e.g. a clone of your team's project.")},
        {Mode::Demo, tr("Explore the demo project"),
         tr("A ready-made project with a sample SQLite warehouse of about 50,000 rows.")},
    };
    int row = 0;
    for (const auto &entry : entries) {
        QRadioButton *button = addChoice(entry.mode, entry.text, entry.description, choices);
        choicesLayout->addWidget(button, row++, 0, 1, 2);
        QLabel *description = m_descriptions.last();
        choicesLayout->addItem(new QSpacerItem(22, 0, QSizePolicy::Fixed, QSizePolicy::Minimum),
                               row, 0);
        choicesLayout->addWidget(description, row++, 1);
        choicesLayout->setRowMinimumHeight(row++, 8);
    }
    choicesLayout->setColumnStretch(1, 1);
    layout->addWidget(choices);
    layout->addSpacing(6);

    auto *form = new QGridLayout;
    form->setHorizontalSpacing(10);
    form->setVerticalSpacing(8);
    auto *folderLabel = new QLabel(tr("&Folder:"), this);
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("projectFolder"));
    m_folder->setClearButtonEnabled(true);
    folderLabel->setBuddy(m_folder);
    m_browse = new QPushButton(tr("&Browse…"), this);
    connect(m_browse, &QPushButton::clicked, this, &ProjectLocationPage::chooseFolder);
    m_nameLabel = new QLabel(tr("Project &name:"), this);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("projectName"));
    m_nameLabel->setBuddy(m_name);
    m_allowNonEmpty = new QCheckBox(tr("Add the ktx files to this folder &anyway"), this);
    m_allowNonEmpty->setObjectName(QStringLiteral("allowNonEmpty"));
    form->addWidget(folderLabel, 0, 0);
    form->addWidget(m_folder, 0, 1);
    form->addWidget(m_browse, 0, 2);
    form->addWidget(m_nameLabel, 1, 0);
    form->addWidget(m_name, 1, 1, 1, 2);
    form->addWidget(m_allowNonEmpty, 2, 1, 1, 2);
    form->setColumnStretch(1, 1);
    layout->addLayout(form);

    auto *message = new QHBoxLayout;
    message->setSpacing(8);
    m_messageIcon = new QLabel(this);
    m_messageIcon->setFixedSize(MessageIconSize, MessageIconSize);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("locationMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message->addWidget(m_messageIcon, 0, Qt::AlignTop);
    message->addWidget(m_message, 1);
    layout->addSpacing(4);
    layout->addLayout(message);
    layout->addStretch(1);

    registerField(SetupField::ProjectMode, this, "mode", SIGNAL(modeChanged()));
    registerField(SetupField::ProjectDir + QLatin1Char('*'), m_folder);
    registerField(SetupField::ProjectName, m_name);
    registerField(SetupField::AllowNonEmpty, m_allowNonEmpty);

    connect(m_folder, &QLineEdit::textChanged, this, &ProjectLocationPage::updateState);
    connect(m_allowNonEmpty, &QCheckBox::toggled, this, &ProjectLocationPage::updateState);
    connect(m_choices, &QButtonGroup::idClicked, this,
            [this](int id) { setMode(modeName(static_cast<Mode>(id))); });

    m_choices->button(int(Mode::New))->setChecked(true);
    m_folderByMode.insert(int(Mode::Demo), defaultDemoDir());
    updateColors();
    updateState();
}

QRadioButton *ProjectLocationPage::addChoice(Mode mode, const QString &text,
                                             const QString &description, QWidget *parent)
{
    auto *button = new QRadioButton(text, parent);
    button->setObjectName(QStringLiteral("mode_") + modeName(mode));
    QFont bold = button->font();
    bold.setBold(true);
    button->setFont(bold);
    m_choices->addButton(button, int(mode));
    auto *label = new QLabel(description, parent);
    label->setWordWrap(true);
    m_descriptions.append(label);
    return button;
}

void ProjectLocationPage::setMode(const QString &name)
{
    const Mode mode = modeFromName(name);
    if (QAbstractButton *button = m_choices->button(int(mode)); !button->isChecked())
        button->setChecked(true);
    if (mode == m_mode)
        return;
    m_folderByMode.insert(int(m_mode), m_folder->text());
    m_mode = mode;
    m_folder->setText(m_folderByMode.value(int(mode)));
    Q_EMIT modeChanged();
    updateState();
}

void ProjectLocationPage::initializePage()
{
    if (m_mode == Mode::Demo && m_folder->text().isEmpty())
        m_folder->setText(defaultDemoDir());
    updateState();
}

bool ProjectLocationPage::isComplete() const
{
    return QWizardPage::isComplete() && m_canProceed;
}

int ProjectLocationPage::nextId() const
{
    return SetupWizard::Page_Summary;
}

void ProjectLocationPage::changeEvent(QEvent *event)
{
    QWizardPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

void ProjectLocationPage::chooseFolder()
{
    const QString start = m_folder->text().isEmpty() ? QDir::homePath() : m_folder->text();
    const QString title = m_mode == Mode::Open ? tr("Choose the folder that contains ktx.yaml")
                                               : tr("Choose the project folder");
    const QString dir = QFileDialog::getExistingDirectory(this, title, start);
    if (!dir.isEmpty())
        m_folder->setText(QDir::toNativeSeparators(dir));
}

void ProjectLocationPage::updateState()
{
    const bool isNew = m_mode == Mode::New;
    m_nameLabel->setVisible(isNew);
    m_name->setVisible(isNew);

    const ProjectFolderState folder = ProjectFolderState::inspect(m_folder->text());
    bool needsConsent = false;
    m_canProceed = false;
    if (isNew) {
        m_name->setPlaceholderText(QFileInfo(folder.path).fileName());
    }

    if (folder.path.isEmpty()) {
        showMessage(Tone::None,
                    isNew ? tr("Choose an empty folder, or a new one: ktx creates it.")
                          : QString());
    } else if (folder.exists && !folder.isDirectory) {
        showMessage(Tone::Error, tr("This is a file, not a folder."));
    } else {
        switch (m_mode) {
        case Mode::New:
            if (folder.hasConfig) {
                showMessage(Tone::Error,
                            tr("This folder already contains a ktx project. Choose "
                               "“Open an existing project” to use it."));
            } else if (folder.isGitRoot) {
                showMessage(Tone::Error,
                            tr("This folder is already the root of a git repository. A ktx "
                               "project keeps its own repository: choose an empty folder or a "
                               "new subfolder."));
            } else if (!folder.exists) {
                showMessage(Tone::Info, tr("ktx will create this folder."));
                m_canProceed = true;
            } else if (!folder.isEmpty) {
                needsConsent = true;
                m_canProceed = m_allowNonEmpty->isChecked();
                showMessage(Tone::Warning,
                            tr("This folder is not empty. ktx adds its files next to the ones "
                               "already there and makes the folder a git repository."));
            } else {
                showMessage(Tone::Info, tr("The folder is empty and ready for a new project."));
                m_canProceed = true;
            }
            break;
        case Mode::Open:
            if (folder.hasConfig) {
                showMessage(Tone::Info, tr("Found ktx.yaml."));
                m_canProceed = true;
            } else {
                showMessage(Tone::Error,
                            tr("There is no ktx.yaml in this folder. Choose the "
                               "project's top folder, or create a new project."));
            }
            break;
        case Mode::Demo:
            if (folder.hasConfig) {
                showMessage(Tone::Info,
                            tr("The demo project already exists here and will be "
                               "opened as it is."));
                m_canProceed = true;
            } else if (!folder.isEmpty || folder.isGitRoot) {
                showMessage(Tone::Error,
                            tr("This folder is not empty. Choose an empty or new "
                               "folder for the demo project."));
            } else {
                showMessage(Tone::Info,
                            tr("ktx will create the demo project and its sample "
                               "warehouse here."));
                m_canProceed = true;
            }
            break;
        }
    }
    m_allowNonEmpty->setVisible(needsConsent);
    Q_EMIT completeChanged();
}

void ProjectLocationPage::showMessage(Tone tone, const QString &text)
{
    m_tone = text.isEmpty() ? Tone::None : tone;
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    updateColors();
}

void ProjectLocationPage::updateColors()
{
    QPalette secondary = palette();
    secondary.setColor(QPalette::WindowText, ColorScheme::secondaryText(palette()));
    for (QLabel *label : std::as_const(m_descriptions))
        label->setPalette(secondary);

    ReadinessState state = ReadinessState::Skipped;
    switch (m_tone) {
    case Tone::Info:
        state = ReadinessState::Ok;
        break;
    case Tone::Warning:
        state = ReadinessState::Warn;
        break;
    case Tone::Error:
        state = ReadinessState::Fail;
        break;
    case Tone::None:
        break;
    }
    m_messageIcon->setVisible(m_tone != Tone::None);
    if (m_tone != Tone::None)
        m_messageIcon->setPixmap(
            StateIcon::pixmap(state, palette(), MessageIconSize, devicePixelRatioF()));
}

} // namespace ktx
