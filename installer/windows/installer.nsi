; Windows installer of the client (NSIS 3, Unicode). Built by a Windows build machine
; from the PyInstaller bundle (installer/README.md); `./dev.sh package` compiles it on
; Linux with warnings as errors against a stand-in bundle.
;
;   makensis -DVERSION=0.1.0 -DBUNDLE_DIR=dist\bundle\vocational-learning-client
;            -DICON=dist\build\icon.ico -DOUTFILE=setup.exe installer.nsi
;
; Per-machine install in Program Files with a Start-menu entry and an uninstaller. VLC
; is bundled in the program folder's `vlc` subfolder (libvlc.dll and plugins). An
; institution's signed provisioning.json beside the setup program is copied into the
; program folder. Uninstalling removes the program only: each learner's records and keys
; stay in their own profile.

Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !error "VERSION is required (-DVERSION=...)"
!endif
!ifndef BUNDLE_DIR
  !error "BUNDLE_DIR is required (-DBUNDLE_DIR=...)"
!endif
!ifndef OUTFILE
  !define OUTFILE "vocational-learning-client-${VERSION}-setup.exe"
!endif
!if /FileExists "${BUNDLE_DIR}\vlc\libvlc.dll"
!else
  !error "the bundle has no vlc\libvlc.dll: copy VLC's libvlc.dll, libvlccore.dll and plugins into it"
!endif

!define APP_ID "VocationalLearningClient"
!define EXE "vocational-learning-client.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

Name "$(AppName)"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_ID}"
InstallDirRegKey HKLM "Software\${APP_ID}" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "职业技能培训学习客户端"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "职业技能培训学习客户端安装程序"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Vocational Learning Client maintainers"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default: Simplified Chinese, then English.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString AppName ${LANG_SIMPCHINESE} "职业技能培训学习客户端"
LangString AppName ${LANG_ENGLISH} "Vocational Training Client"
LangString VlcMissing ${LANG_SIMPCHINESE} "安装不完整：缺少视频播放组件 (VLC)。请重新下载安装程序后再安装。"
LangString VlcMissing ${LANG_ENGLISH} "The installation is incomplete: the video player (VLC) is missing. Download the installer again and reinstall."
LangString ProfileCopied ${LANG_SIMPCHINESE} "已使用安装程序旁的机构配置文件。"
LangString ProfileCopied ${LANG_ENGLISH} "The institution settings beside the installer were used."

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
  SetRegView 64
FunctionEnd

Section "Install"
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE_DIR}\*.*"
  IfFileExists "$INSTDIR\vlc\libvlc.dll" vlc_ok
    MessageBox MB_ICONSTOP "$(VlcMissing)"
    Abort
  vlc_ok:
  IfFileExists "$EXEDIR\provisioning.json" 0 no_profile
    CopyFiles /SILENT "$EXEDIR\provisioning.json" "$INSTDIR\provisioning.json"
    DetailPrint "$(ProfileCopied)"
  no_profile:
  CreateShortcut "$SMPROGRAMS\$(AppName).lnk" "$INSTDIR\${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\${APP_ID}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "$(AppName)"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Vocational Learning Client"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\$(AppName).lnk"
  ; The program folder only: learners' data lives in their own %LOCALAPPDATA%.
  RMDir /r "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\${APP_ID}"
SectionEnd
