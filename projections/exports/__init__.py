"""The registers as spreadsheets (导出登记册): the children's register (花名册), the
volunteers' register with their four opinions (志愿者登记册) and the pairing register
(结对登记表), written a page of the register at a time into a streamed workbook."""
