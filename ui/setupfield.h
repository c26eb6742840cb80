#pragma once

#include <QLatin1StringView>
#include <QList>

namespace ktx {

// QWizard field names. QWizard checks none of these strings, so every page and
// the progress file use these constants and nothing else.
namespace SetupField {

// "new" | "open" | "demo" (see ProjectLocationPage::Mode)
inline constexpr QLatin1StringView ProjectMode("project.mode");
// The project folder itself (not its parent), for all three modes.
inline constexpr QLatin1StringView ProjectDir("project.dir");
// Name written into a new project; empty means "the folder name".
inline constexpr QLatin1StringView ProjectName("project.name");
// The user agreed to put a new project into a folder that already has files.
inline constexpr QLatin1StringView AllowNonEmpty("project.allowNonEmpty");

// Fields saved in .ktx/setup/wizard.json and restored on resume. Secrets never
// go here; a page that asks for one stores it under .ktx/secrets/ itself.
inline QList<QLatin1StringView> persisted()
{
    return {ProjectMode, ProjectDir, ProjectName, AllowNonEmpty};
}

} // namespace SetupField

} // namespace ktx
