"""The app's screens: coding (the everyday one), themes, codeframe editing and help."""
