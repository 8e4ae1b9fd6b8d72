// The views on the hot paths (reading stock, setting it, reserving) write
// their own JSON; their keys here are in sorted order, as `JSONOutput` sorts
// them. `JSONResponseWriterTests` compares each with `JSONEncoder`'s bytes.

extension LevelsJSON: JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter) {
        writer.object { writer in
            writer.field("available", available)
            writer.field("backorderLimit", backorderLimit)
            writer.field("committed", committed)
            writer.field("lowStockThreshold", lowStockThreshold)
            writer.field("onHand", onHand)
            writer.field("reserved", reserved)
            writer.field("safetyStock", safetyStock)
        }
    }
}

extension StockJSON.Location: JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter) {
        writer.object { writer in
            writer.field("levels", levels)
            writer.field("location", location)
        }
    }
}

extension StockJSON: JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter) {
        writer.object { writer in
            writer.field("locations", array: locations)
            writer.field("sku", sku)
            writer.field("totals", totals)
        }
    }
}

extension StockRecordJSON: JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter) {
        writer.object { writer in
            writer.field("levels", levels)
            writer.field("location", location)
            writer.field("replayed", replayed)
            writer.field("sku", sku)
        }
    }
}

extension AllocationJSON: JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter) {
        writer.object { writer in
            writer.field("location", location)
            writer.field("quantity", quantity)
            writer.field("sku", sku)
        }
    }
}

extension ReservationJSON: JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter) {
        writer.object { writer in
            writer.field("allocations", array: allocations)
            writer.field("deadline", deadline)
            writer.field("deadlineNanoseconds", deadlineNanoseconds)
            writer.field("orderID", orderID)
            writer.field("owner", owner)
            writer.field("replayed", replayed)
            writer.field("reservationID", reservationID)
            writer.field("status", status)
        }
    }
}
