"""The institution's calendars: the bank calendar with its overrides, and channel service
calendars (ATM, internet banking) that differ from it. Engine: antei.kernels.bizcal."""
